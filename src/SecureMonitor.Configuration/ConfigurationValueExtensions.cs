using Microsoft.Extensions.Configuration;
using SecureMonitor.Configuration.Hocon;
using SecureMonitor.Configuration.Units;

namespace SecureMonitor.Configuration;

/// <summary>
/// Typed reads of HOCON-style values with errors that point at the file, line and column the
/// value came from. Origins are found through <see cref="IConfigurationRoot.Providers"/>; on a
/// section (which does not expose its root) errors name the full key but no position, so call
/// these on the root with the full key (<c>monitor:timeout</c>) when positions matter.
/// </summary>
public static class ConfigurationValueExtensions
{
    /// <summary>
    /// Where the current value of <paramref name="key"/> was written, or null if it is absent or
    /// was set by a provider that is not HOCON (e.g. a later command-line provider overriding it).
    /// </summary>
    public static HoconOrigin? GetOrigin(this IConfiguration configuration, string key)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(key);
        if (configuration is not IConfigurationRoot root)
        {
            return null;
        }

        // The last provider holding a key wins, as in ConfigurationRoot's own lookup.
        for (var i = root.Providers.Count() - 1; i >= 0; i--)
        {
            var provider = root.Providers.ElementAt(i);
            if (provider.TryGet(key, out _))
            {
                return provider is HoconConfigurationProvider hocon && hocon.TryGetOrigin(key, out var origin) ? origin : null;
            }
        }

        return null;
    }

    /// <summary>Reads a duration such as <c>250ms</c> or <c>5 seconds</c>; <paramref name="defaultValue"/> when the key is absent.</summary>
    /// <exception cref="ConfigurationValueException">The value is not a valid duration.</exception>
    public static TimeSpan GetDuration(this IConfiguration configuration, string key, TimeSpan defaultValue)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var text = configuration[key];
        if (text is null)
        {
            return defaultValue;
        }

        return DurationFormat.TryParse(text, out var duration, out var error)
            ? duration
            : throw Invalid(configuration, key, text, $"invalid duration '{text}': {error}");
    }

    /// <summary>Reads a size in bytes such as <c>64MiB</c>; <paramref name="defaultValue"/> when the key is absent.</summary>
    /// <exception cref="ConfigurationValueException">The value is not a valid size.</exception>
    public static long GetSize(this IConfiguration configuration, string key, long defaultValue)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var text = configuration[key];
        if (text is null)
        {
            return defaultValue;
        }

        return SizeFormat.TryParse(text, out var bytes, out var error)
            ? bytes
            : throw Invalid(configuration, key, text, $"invalid size '{text}': {error}");
    }

    /// <summary>Reads a setting that must be present and non-empty.</summary>
    /// <exception cref="ConfigurationValueException">The key is absent or empty.</exception>
    public static string GetRequiredString(this IConfiguration configuration, string key)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var text = configuration[key];
        return string.IsNullOrEmpty(text) ? throw Invalid(configuration, key, text ?? "", "a value is required") : text;
    }

    /// <summary>Reads a whole number above zero; <paramref name="defaultValue"/> when the key is absent.</summary>
    /// <exception cref="ConfigurationValueException">The value is not a positive whole number.</exception>
    public static int GetPositiveInt32(this IConfiguration configuration, string key, int defaultValue)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var text = configuration[key];
        if (text is null)
        {
            return defaultValue;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw Invalid(configuration, key, text, $"invalid number '{text}': expected a whole number above 0");
    }

    /// <summary>Reads a TCP port, 0 to 65535 (0: the system picks a free one).</summary>
    /// <exception cref="ConfigurationValueException">The value is absent or not a port number.</exception>
    public static int GetPort(this IConfiguration configuration, string key)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var text = configuration.GetRequiredString(key);
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port <= 65535
            ? port
            : throw Invalid(configuration, key, text, $"invalid port '{text}': expected a whole number from 0 to 65535");
    }

    /// <summary>
    /// Reads a non-empty list given as a HOCON array, or as one comma-separated string (as an environment
    /// variable gives it), parsing each item with <paramref name="parse"/>.
    /// </summary>
    /// <exception cref="ConfigurationValueException">The list is absent or empty (<paramref name="whenEmpty"/>
    /// says what is required), or an item does not parse (naming the item's key, e.g. <c>watcher:monitors:1</c>).</exception>
    public static IReadOnlyList<T> GetList<T>(this IConfiguration configuration, string key, ListItemParser<T> parse, string whenEmpty)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(parse);
        var section = configuration.GetSection(key);
        (string Key, string Text)[] items = section.Value is { } single
            ? [.. single.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(text => (key, text))]
            : [.. section.GetChildren().Select((child, index) => ($"{key}:{index}", child.Value ?? ""))];
        if (items.Length == 0)
        {
            throw Invalid(configuration, key, "", whenEmpty);
        }
        var values = new List<T>(items.Length);
        foreach (var (itemKey, text) in items)
        {
            if (!parse(text, out var value, out var error))
            {
                throw Invalid(configuration, itemKey, text, error);
            }
            values.Add(value);
        }
        return values;
    }

    /// <summary>Reads an array of objects (e.g. threshold rules) as one dictionary per object, keys case-insensitive.</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> GetObjectList(this IConfiguration configuration, string key)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return [.. configuration.GetSection(key).GetChildren().Select(item => (IReadOnlyDictionary<string, string>)item.GetChildren()
            .Where(field => field.Value is not null)
            .ToDictionary(field => field.Key, field => field.Value!, StringComparer.OrdinalIgnoreCase))];
    }

    private static ConfigurationValueException Invalid(IConfiguration configuration, string key, string text, string reason)
    {
        var fullKey = configuration is IConfigurationSection section ? ConfigurationPath.Combine(section.Path, key) : key;
        return new ConfigurationValueException(fullKey, text, configuration.GetOrigin(key), reason);
    }
}

/// <summary>Parses one item of a list setting; <paramref name="error"/> says why not.</summary>
public delegate bool ListItemParser<T>(string text, out T value, out string error);
