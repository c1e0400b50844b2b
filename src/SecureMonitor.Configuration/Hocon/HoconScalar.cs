namespace SecureMonitor.Configuration.Hocon;

/// <summary>A string, number, boolean or null. Numbers keep the text they were written with.</summary>
public sealed class HoconScalar : HoconValue
{
    internal HoconScalar(HoconValueKind kind, string? text, HoconOrigin origin)
        : base(origin)
    {
        Kind = kind;
        Text = text;
    }

    public override HoconValueKind Kind { get; }

    /// <summary>The value as text ("true", "42", "hello"); null only for <see cref="HoconValueKind.Null"/>.</summary>
    public string? Text { get; }

    internal override bool IsResolved => true;

    /// <summary>The text used when the value is concatenated into a string.</summary>
    internal string ConcatenationText => Text ?? "null";

    internal static HoconScalar String(string text, HoconOrigin origin) => new(HoconValueKind.String, text, origin);

    public override string ToString() => Text ?? "null";
}
