namespace SecureMonitor.Configuration.Hocon;

/// <summary>One element of a value concatenation and the whitespace written before it.</summary>
internal readonly record struct ConcatenationPart(string LeadingWhitespace, HoconValue Value);

/// <summary>
/// Adjacent values that could not be joined while parsing because some hold substitutions:
/// <c>${home}"/bin"</c>, <c>${list} [3]</c>, <c>${defaults} { port = 1 }</c>.
/// </summary>
internal sealed class HoconConcatenation : HoconUnresolvedValue
{
    public HoconConcatenation(IReadOnlyList<ConcatenationPart> parts, string? appendedKey, HoconOrigin origin)
        : base(origin)
    {
        Parts = parts;
        AppendedKey = appendedKey;
    }

    public IReadOnlyList<ConcatenationPart> Parts { get; }

    /// <summary>The key when this concatenation stands for <c>key += value</c>, for error messages.</summary>
    public string? AppendedKey { get; }
}
