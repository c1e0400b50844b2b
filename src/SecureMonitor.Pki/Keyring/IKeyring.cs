namespace SecureMonitor.Pki;

/// <summary>What the monitor asks of a key store when a sealed message arrives.</summary>
public interface IKeyring
{
    /// <summary>
    /// The PSK for <paramref name="hostId"/>'s key <paramref name="keyId"/> if it is acceptable at
    /// <paramref name="now"/>: current, or retiring and still within its grace period.
    /// </summary>
    KeyLookup Lookup(string hostId, uint keyId, DateTimeOffset now);

    /// <summary>
    /// Whether that key is acceptable at <paramref name="now"/>, without copying it: the monitor asks
    /// on every message (so a revocation or the end of a grace period applies at once) and only
    /// needs the bytes the first time, to derive the envelope keys it then caches.
    /// </summary>
    KeyLookupStatus Check(string hostId, uint keyId, DateTimeOffset now);
}
