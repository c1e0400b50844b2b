namespace SecureMonitor.Configuration.Hocon;

/// <summary>
/// Entry point: parses a HOCON file or string, applies includes, merges, and resolves
/// substitutions. The result holds only objects, arrays and scalars. Every failure is a
/// <see cref="HoconException"/>.
/// </summary>
public static class HoconLoader
{
    /// <param name="environment">
    /// Looks up environment variables for substitutions not found in the configuration;
    /// defaults to the process environment. Tests pass their own.
    /// </param>
    public static HoconObject LoadFile(string path, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var fullPath = FullPath(path);
        var text = HoconFileReader.ReadRoot(fullPath);
        var context = new HoconDocumentContext(fullPath, Path.GetDirectoryName(fullPath) ?? Directory.GetCurrentDirectory(), [fullPath], []);
        return Load(text, context, environment);
    }

    /// <param name="sourceName">Names the text in error messages and origins.</param>
    /// <param name="includeDirectory">Where includes are looked up; the current directory by default.</param>
    public static HoconObject LoadString(string text, string sourceName = "<string>", string? includeDirectory = null, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(sourceName);
        var context = new HoconDocumentContext(sourceName, includeDirectory ?? Directory.GetCurrentDirectory(), [], []);
        return Load(text, context, environment);
    }

    private static HoconObject Load(string text, HoconDocumentContext context, Func<string, string?>? environment)
    {
        var root = new HoconObject(new HoconOrigin(context.Source, 1, 1));
        HoconParser.ParseInto(text, context, new HoconParser.ObjectTarget(root, []));
        HoconResolver.Resolve(root, environment ?? Environment.GetEnvironmentVariable);
        HoconSizeLimits.Check(root);
        return root;
    }

    private static string FullPath(string path)
    {
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception exception) when (exception is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new HoconException(path, 0, 0, $"invalid configuration file path: {exception.Message}", exception);
        }
    }
}
