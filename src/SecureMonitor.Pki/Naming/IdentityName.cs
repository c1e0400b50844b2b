using System.Text;
using System.Text.RegularExpressions;

namespace SecureMonitor.Pki;

/// <summary>
/// Host ids, admin names and monitor node names. They become certificate subjects, SAN URIs and
/// directory names, so the alphabet is deliberately small: no separators, no whitespace, no
/// path tricks ("..", "/"), no Unicode look-alikes. Input is accepted in any case and lowered.
/// </summary>
public static partial class IdentityName
{
    public const int MaxLength = 63;

    /// <summary>Returns the lower-cased name, or throws <see cref="ArgumentException"/> saying what is wrong.</summary>
    /// <param name="kind">What the name is, for the message: "host id", "admin name", ...</param>
    public static string Normalize(string? value, string kind)
    {
        if (string.IsNullOrEmpty(value))
            throw new ArgumentException($"The {kind} is empty.", kind);
        var lowered = value.ToLowerInvariant();
        if (!Pattern().IsMatch(lowered))
            throw new ArgumentException(
                $"Invalid {kind} '{Printable(value)}': use 1-{MaxLength} characters from a-z, 0-9, '.', '_' and '-', " +
                "starting with a letter or digit.", kind);
        return lowered;
    }

    public static bool IsValid(string? value) => value is not null && Pattern().IsMatch(value);

    /// <summary>Makes rejected input safe to echo in a message: control characters escaped, length capped.</summary>
    internal static string Printable(string value)
    {
        var builder = new StringBuilder();
        foreach (var c in value.Length > 80 ? value[..80] : value)
            builder.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        return value.Length > 80 ? builder.Append('…').ToString() : builder.ToString();
    }

    // \z, not $: $ also matches before a trailing newline, which would let "web-01\n" through.
    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
