namespace SecureMonitor.Pki;

/// <summary>
/// The answer to a key lookup. <see cref="Psk"/> is a fresh copy the caller owns (and may zero);
/// it is set only when <see cref="Status"/> is <see cref="KeyLookupStatus.Found"/>.
/// </summary>
public sealed class KeyLookup
{
    private KeyLookup(KeyLookupStatus status, byte[]? psk)
    {
        Status = status;
        Psk = psk;
    }

    public KeyLookupStatus Status { get; }
    public byte[]? Psk { get; }
    public bool IsFound => Status == KeyLookupStatus.Found;

    public static KeyLookup Found(ReadOnlySpan<byte> psk) => new(KeyLookupStatus.Found, psk.ToArray());

    public static KeyLookup Rejected(KeyLookupStatus status) =>
        status == KeyLookupStatus.Found
            ? throw new ArgumentException("A found key needs its bytes; use Found.", nameof(status))
            : new KeyLookup(status, null);

    /// <summary>Never includes the key.</summary>
    public override string ToString() => $"KeyLookup {{ Status = {Status} }}";
}
