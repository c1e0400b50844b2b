namespace SecureMonitor.Pki;

/// <summary>What the monitor asks of a key store when a sealed message arrives.</summary>
public interface IKeyring
{
    /// <summary>
    /// The PSK for <paramref name="hostId"/>'s key <paramref name="keyId"/> if it is acceptable at
    /// <paramref name="now"/>: current, or retiring and still within its grace period.
    /// </summary>
    KeyLookup Lookup(string hostId, uint keyId, DateTimeOffset now);
}
