using Microsoft.Extensions.Configuration;
using SecureMonitor.Configuration.Hocon;

namespace SecureMonitor.Configuration;

/// <summary>
/// Loads a HOCON source into Microsoft.Extensions.Configuration keys (<c>a:b</c>, arrays as
/// <c>a:0</c>) and remembers where each value was written, so that errors found later, when a
/// value is interpreted, can point into the file.
/// </summary>
public sealed class HoconConfigurationProvider : ConfigurationProvider
{
    private readonly HoconConfigurationSource source;
    private IReadOnlyDictionary<string, HoconOrigin> origins = new Dictionary<string, HoconOrigin>();

    public HoconConfigurationProvider(HoconConfigurationSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if ((source.Path is null) == (source.Text is null))
        {
            throw new ArgumentException("a HOCON source needs exactly one of Path and Text", nameof(source));
        }

        this.source = source;
    }

    /// <summary>The resolved tree of the last load (empty for a missing optional file), for display.</summary>
    public HoconObject? Tree { get; private set; }

    public override void Load()
    {
        Tree = LoadTree();
        if (Tree is null)
        {
            Data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            origins = new Dictionary<string, HoconOrigin>(StringComparer.OrdinalIgnoreCase);
            return;
        }

        var flat = HoconFlattener.Flatten(Tree);
        Data = flat.Values;
        origins = flat.Origins;
    }

    /// <summary>Where the value of a configuration key (e.g. <c>monitor:listen:port</c>) was written.</summary>
    public bool TryGetOrigin(string key, out HoconOrigin origin) => origins.TryGetValue(key, out origin);

    public override string ToString() => $"{nameof(HoconConfigurationProvider)} for {source.Path ?? source.SourceName}";

    private HoconObject? LoadTree()
    {
        if (source.Text is not null)
        {
            return HoconLoader.LoadString(source.Text, source.SourceName, source.IncludeDirectory, source.Environment);
        }

        if (source.Optional && !File.Exists(source.Path))
        {
            return null;
        }

        return HoconLoader.LoadFile(source.Path!, source.Environment);
    }
}
