namespace SecureMonitor.Configuration.Hocon;

/// <summary>
/// The one error type of the HOCON library: syntax, resolution, include and I/O errors alike.
/// <see cref="Exception.Message"/> reads <c>FILE:LINE:COLUMN: reason</c>; <see cref="Line"/> and
/// <see cref="Column"/> are 1-based, or 0 when the error concerns a whole file (e.g. it is missing).
/// </summary>
public sealed class HoconException : Exception
{
    private readonly string sourceName;

    public HoconException(HoconOrigin origin, string reason, Exception? innerException = null)
        : base(Format(origin, reason), innerException)
    {
        sourceName = origin.Source;
        Line = origin.Line;
        Column = origin.Column;
        Reason = reason;
    }

    public HoconException(string source, int line, int column, string reason, Exception? innerException = null)
        : this(new HoconOrigin(source, line, column), reason, innerException)
    {
    }

    /// <summary>The file path, or the name given to a parsed string, where the error is.</summary>
    public override string Source => sourceName;

    public int Line { get; }

    public int Column { get; }

    /// <summary>The message without its position prefix.</summary>
    public string Reason { get; }

    private static string Format(HoconOrigin origin, string reason) => $"{origin}: {reason}";
}
