namespace SecureMonitor.Configuration.Hocon;

/// <summary>
/// A node of a configuration tree. After loading, every node is an <see cref="HoconObject"/>,
/// <see cref="HoconArray"/> or <see cref="HoconScalar"/>; substitutions and concatenations exist
/// only inside the library, between parsing and resolution.
/// </summary>
public abstract class HoconValue
{
    private protected HoconValue(HoconOrigin origin)
    {
        Origin = origin;
    }

    /// <summary>Where the value was written.</summary>
    public HoconOrigin Origin { get; }

    public abstract HoconValueKind Kind { get; }

    /// <summary>False while the value still holds substitutions (or contains values that do).</summary>
    internal abstract bool IsResolved { get; }

    /// <summary>
    /// Renders the value as JSON. Leaves for which <paramref name="redact"/> returns true are
    /// written as the string <c>"&lt;redacted&gt;"</c>.
    /// </summary>
    public string ToJson(bool indented = true, Func<HoconLeaf, bool>? redact = null) =>
        HoconJsonWriter.Write(this, indented, redact);

    /// <summary>"a string", "an object"...: used in error messages.</summary>
    internal static string Describe(HoconValueKind kind) => kind switch
    {
        HoconValueKind.Object => "an object",
        HoconValueKind.Array => "an array",
        HoconValueKind.String => "a string",
        HoconValueKind.Number => "a number",
        HoconValueKind.Boolean => "a boolean",
        _ => "null",
    };
}
