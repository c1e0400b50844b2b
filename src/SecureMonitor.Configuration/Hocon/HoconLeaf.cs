namespace SecureMonitor.Configuration.Hocon;

/// <summary>A leaf of a configuration tree with the keys leading to it (array indexes as "0", "1"...).</summary>
public readonly record struct HoconLeaf(IReadOnlyList<string> Segments, HoconValue Value)
{
    /// <summary>The HOCON path, segments quoted where needed: <c>monitor.endpoints.0</c>.</summary>
    public string Path => HoconPath.Render(Segments);

    /// <summary>The Microsoft.Extensions.Configuration key: <c>monitor:endpoints:0</c>.</summary>
    public string ConfigurationKey => string.Join(':', Segments);
}
