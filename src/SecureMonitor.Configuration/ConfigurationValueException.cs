using SecureMonitor.Configuration.Hocon;

namespace SecureMonitor.Configuration;

/// <summary>
/// A configuration value that is present but cannot be interpreted (a bad duration, size...).
/// The message starts with <c>FILE:LINE:COLUMN:</c> when the value's origin is known.
/// </summary>
public sealed class ConfigurationValueException : Exception
{
    public ConfigurationValueException(string key, string value, HoconOrigin? origin, string reason)
        : base(Format(key, origin, reason))
    {
        Key = key;
        Value = value;
        Origin = origin;
        Reason = reason;
    }

    /// <summary>The full configuration key, e.g. <c>monitor:heartbeat-interval</c>.</summary>
    public string Key { get; }

    public string Value { get; }

    /// <summary>Where the value was written, when it came from a HOCON source.</summary>
    public HoconOrigin? Origin { get; }

    /// <summary>The message without origin and key.</summary>
    public string Reason { get; }

    private static string Format(string key, HoconOrigin? origin, string reason)
    {
        var where = origin is { } known ? $"{known}: " : "";
        var environment = origin?.EnvironmentVariable is { } name ? $", from environment variable {name}" : "";
        return $"{where}{reason} (key '{key}'{environment})";
    }
}
