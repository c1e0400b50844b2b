namespace SecureMonitor.Configuration.Hocon;

/// <summary><c>${path}</c> or <c>${?path}</c>, or the implicit self-reference that <c>+=</c> stands for.</summary>
internal sealed class HoconSubstitution : HoconUnresolvedValue
{
    public HoconSubstitution(HoconPath path, bool optional, string[] includePrefix, HoconOrigin origin)
        : base(origin)
    {
        Path = path;
        Optional = optional;
        IncludePrefix = includePrefix;
    }

    public HoconPath Path { get; }

    public bool Optional { get; }

    /// <summary>
    /// Where the file holding this substitution was included. The spec looks the path up below
    /// that prefix first, then from the root ("fixing up" substitutions of included files).
    /// </summary>
    public string[] IncludePrefix { get; }

    /// <summary>True for the <c>${?key}</c> hidden in <c>key += value</c>: it always means the earlier value.</summary>
    public bool IsSelfReference { get; private init; }

    public static HoconSubstitution SelfReference(HoconPath key, HoconOrigin origin) =>
        new(key, optional: true, [], origin) { IsSelfReference = true };

    public override string ToString() => $"${{{(Optional ? "?" : "")}{Path}}}";
}
