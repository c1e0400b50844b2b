namespace SecureMonitor.Configuration.Hocon;

/// <summary>
/// A field whose value can only be computed after parsing, together with the value it
/// overrides. Resolution follows the spec's merge rules: if <see cref="Later"/> turns out to be
/// undefined (<c>${?X}</c> with no X) the earlier value stays; if both are objects they merge;
/// otherwise the later value wins. Self-references (<c>path = ${path}":/x"</c>) are looked up
/// in <see cref="Earlier"/>.
/// </summary>
internal sealed class HoconPendingAssignment : HoconUnresolvedValue
{
    public HoconPendingAssignment(string[]? fieldPath, HoconValue? earlier, HoconValue later, HoconOrigin origin)
        : base(origin)
    {
        FieldPath = fieldPath;
        Earlier = earlier;
        Later = later;
    }

    /// <summary>The field's full path from the root, or null inside objects that are array elements or concatenation parts.</summary>
    public string[]? FieldPath { get; }

    /// <summary>
    /// The overridden value. Null means none is known yet: a later merge may link one
    /// (see <see cref="HoconMerger"/>).
    /// </summary>
    public HoconValue? Earlier { get; set; }

    public HoconValue Later { get; }

    public bool HasResult { get; private set; }

    /// <summary>The resolved value (possibly an object with unresolved fields); null if undefined.</summary>
    public HoconValue? Result { get; private set; }

    public void SetResult(HoconValue? result)
    {
        Result = result;
        HasResult = true;
    }
}
