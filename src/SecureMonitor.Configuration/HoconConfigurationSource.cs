using Microsoft.Extensions.Configuration;

namespace SecureMonitor.Configuration;

/// <summary>A HOCON file, or a HOCON string (for tests), as a configuration source.</summary>
public sealed class HoconConfigurationSource : IConfigurationSource
{
    /// <summary>The file to read; null when <see cref="Text"/> is used.</summary>
    public string? Path { get; init; }

    /// <summary>HOCON text to parse instead of a file.</summary>
    public string? Text { get; init; }

    /// <summary>Names <see cref="Text"/> in errors and origins.</summary>
    public string SourceName { get; init; } = "<string>";

    /// <summary>Where includes of <see cref="Text"/> are looked up (files use their own directory).</summary>
    public string? IncludeDirectory { get; init; }

    /// <summary>When true, a missing <see cref="Path"/> yields an empty configuration instead of an error.</summary>
    public bool Optional { get; init; }

    /// <summary>Environment lookup for <c>${?NAME}</c>; the process environment when null.</summary>
    public Func<string, string?>? Environment { get; init; }

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new HoconConfigurationProvider(this);
}
