namespace SecureMonitor.Configuration.Hocon;

/// <summary>
/// A value that only exists between parsing and resolution. Resolved trees never contain one,
/// so asking its kind is a bug in the library.
/// </summary>
internal abstract class HoconUnresolvedValue : HoconValue
{
    private protected HoconUnresolvedValue(HoconOrigin origin)
        : base(origin)
    {
    }

    public override HoconValueKind Kind => throw new InvalidOperationException("an unresolved HOCON value has no kind yet");

    internal override bool IsResolved => false;
}
