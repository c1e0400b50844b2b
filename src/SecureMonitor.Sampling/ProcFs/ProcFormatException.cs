using System.Text;

namespace SecureMonitor.Sampling.ProcFs;

/// <summary>
/// A /proc file did not have the shape its parser expects. The message names the file and the
/// offending text, so that an operator can compare it with the kernel's documentation.
/// </summary>
public sealed class ProcFormatException : FormatException
{
    private const int MaxQuotedBytes = 120;

    public ProcFormatException(string file, string problem)
        : base($"{file}: {problem}")
    {
        File = file;
    }

    public ProcFormatException(string file, string problem, ReadOnlySpan<byte> offendingText)
        : base($"{file}: {problem} (in \"{Quote(offendingText)}\")")
    {
        File = file;
    }

    /// <summary>The file, as named by the parser (for example "/proc/stat").</summary>
    public string File { get; }

    private static string Quote(ReadOnlySpan<byte> text)
    {
        var shown = text.Length > MaxQuotedBytes ? text[..MaxQuotedBytes] : text;
        var quoted = Encoding.UTF8.GetString(shown).Replace("\n", "\\n", StringComparison.Ordinal);
        return text.Length > MaxQuotedBytes ? quoted + "..." : quoted;
    }
}
