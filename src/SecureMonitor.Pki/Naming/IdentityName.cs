using System.Buffers;
using System.Text;

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
        if (!IsValid(lowered))
            throw new ArgumentException(
                $"Invalid {kind} '{Printable(value)}': use 1-{MaxLength} characters from a-z, 0-9, '.', '_' and '-', " +
                "starting with a letter or digit.", kind);
        return lowered;
    }

    /// <summary>1 to <see cref="MaxLength"/> characters of a-z, 0-9, '.', '_' and '-', starting with a
    /// letter or digit. Checked by hand rather than with a regular expression so the watcher, which
    /// checks its identity at start, never loads System.Text.RegularExpressions (README, "Footprint").</summary>
    public static bool IsValid(string? value) =>
        value is { Length: >= 1 and <= MaxLength } && (char.IsAsciiLetterLower(value[0]) || char.IsAsciiDigit(value[0]))
        && !value.AsSpan().ContainsAnyExcept(Allowed);

    /// <summary>Makes rejected input safe to echo in a message: control characters escaped, length capped.</summary>
    internal static string Printable(string value)
    {
        var builder = new StringBuilder();
        foreach (var c in value.Length > 80 ? value[..80] : value)
            builder.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        return value.Length > 80 ? builder.Append('…').ToString() : builder.ToString();
    }

    private static readonly SearchValues<char> Allowed = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789._-");
}
