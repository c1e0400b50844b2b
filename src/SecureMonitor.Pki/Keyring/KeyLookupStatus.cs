namespace SecureMonitor.Pki;

/// <summary>The outcome of looking up a (host id, key id) pair; each non-Found value is a rejection reason.</summary>
public enum KeyLookupStatus
{
    Found,
    UnknownHost,
    UnknownKeyId,
    /// <summary>The key was rotated out and its grace period is over.</summary>
    KeyExpired,
    Revoked,
}
