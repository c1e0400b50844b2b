using Microsoft.Extensions.Configuration;

namespace SecureMonitor.Configuration;

public static class HoconConfigurationExtensions
{
    /// <summary>Adds a HOCON file. A relative path is taken from the current directory.</summary>
    /// <param name="optional">When true, a missing file adds nothing instead of failing.</param>
    /// <param name="environment">Environment lookup for <c>${?NAME}</c>; the process environment when null.</param>
    public static IConfigurationBuilder AddHoconFile(this IConfigurationBuilder builder, string path, bool optional = false, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(path);
        return builder.Add(new HoconConfigurationSource { Path = path, Optional = optional, Environment = environment });
    }

    /// <summary>Adds HOCON text; meant for tests and for configuration embedded in code.</summary>
    /// <param name="sourceName">Names the text in errors and origins.</param>
    /// <param name="includeDirectory">Where includes are looked up; the current directory by default.</param>
    public static IConfigurationBuilder AddHoconString(this IConfigurationBuilder builder, string text, string sourceName = "<string>", Func<string, string?>? environment = null, string? includeDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(text);
        return builder.Add(new HoconConfigurationSource { Text = text, SourceName = sourceName, Environment = environment, IncludeDirectory = includeDirectory });
    }
}
