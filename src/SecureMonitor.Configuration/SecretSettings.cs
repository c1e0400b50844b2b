using SecureMonitor.Configuration.Hocon;

namespace SecureMonitor.Configuration;

/// <summary>
/// Decides which settings hold secrets, so that displays of the configuration (the <c>config</c>
/// command, startup logs) never show them. Matching is by the last key segment, so a new setting
/// named like a secret is hidden without anyone remembering to list it.
/// </summary>
public static class SecretSettings
{
    public const string Redacted = "<redacted>";

    private static readonly string[] SecretWords =
        ["password", "passwd", "secret", "token", "psk", "private-key", "privatekey", "api-key", "apikey", "connection"];

    /// <summary>True when the key's last segment names a secret (e.g. <c>postgres-connection</c>,
    /// <c>webhook-token</c>) and the value is not empty.</summary>
    public static bool IsSecret(HoconLeaf leaf)
    {
        if (leaf.Value is HoconScalar { Text: null or "" })
        {
            return false; // an empty secret reveals nothing, and showing "" helps the operator
        }
        return IsSecretKey(leaf.Segments.Count == 0 ? "" : leaf.Segments[^1]);
    }

    public static bool IsSecretKey(string key)
    {
        var lowered = key.ToLowerInvariant();
        return SecretWords.Any(word => lowered.Contains(word, StringComparison.Ordinal));
    }
}
