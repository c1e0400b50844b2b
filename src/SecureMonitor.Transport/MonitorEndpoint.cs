using System.Globalization;

namespace SecureMonitor.Transport;

/// <summary>A monitor address as operators write it: <c>host:port</c> or <c>[v6]:port</c>.</summary>
public sealed record MonitorEndpoint(string Host, int Port)
{
    public static MonitorEndpoint Parse(string text)
    {
        if (!TryParse(text, out var endpoint, out var error))
        {
            throw new FormatException(error);
        }
        return endpoint;
    }

    public static bool TryParse(string? text, out MonitorEndpoint endpoint, out string error)
    {
        endpoint = null!;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            error = "empty endpoint; expected HOST:PORT";
            return false;
        }

        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            error = $"'{text}' is not HOST:PORT";
            return false;
        }

        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            error = $"'{text}' has no valid port (1-65535)";
            return false;
        }

        endpoint = new MonitorEndpoint(host, port);
        error = "";
        return true;
    }

    /// <summary>Parses a comma-separated list, as flags and environment variables give it.</summary>
    public static IReadOnlyList<MonitorEndpoint> ParseList(string text) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Parse)];

    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
