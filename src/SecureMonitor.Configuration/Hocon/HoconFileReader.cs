namespace SecureMonitor.Configuration.Hocon;

/// <summary>Reads configuration files, turning every I/O failure into a <see cref="HoconException"/> naming the file.</summary>
internal static class HoconFileReader
{
    public static string ReadRoot(string fullPath) =>
        Read(fullPath, new HoconOrigin(fullPath, 0, 0), "configuration file not found", "cannot read configuration file");

    /// <param name="includeOrigin">The include directive, where errors are reported.</param>
    public static string ReadIncluded(string fullPath, string writtenName, HoconOrigin includeOrigin) =>
        Read(fullPath, includeOrigin, $"included file '{writtenName}' not found (looked for {fullPath})", $"cannot read included file {fullPath}");

    private static string Read(string fullPath, HoconOrigin errorOrigin, string notFound, string unreadable)
    {
        try
        {
            return File.ReadAllText(fullPath);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new HoconException(errorOrigin, notFound, exception);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or System.Security.SecurityException or NotSupportedException or ArgumentException)
        {
            throw new HoconException(errorOrigin, $"{unreadable}: {exception.Message}", exception);
        }
    }
}
