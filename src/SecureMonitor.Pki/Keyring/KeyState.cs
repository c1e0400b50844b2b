namespace SecureMonitor.Pki;

/// <summary>Where one pre-shared key is in its life.</summary>
public enum KeyState
{
    /// <summary>The key the watcher should seal with now.</summary>
    Current,
    /// <summary>Rotated out, still accepted until <see cref="KeyringKey.RetiresAt"/> so in-flight messages verify.</summary>
    Retiring,
    /// <summary>Rotated out and past its grace period.</summary>
    Expired,
    /// <summary>Withdrawn at once (host revoked or re-issued); never accepted again.</summary>
    Revoked,
}
