namespace SecureMonitor.Pki;

/// <summary>
/// What <c>pki list</c> shows: certificates and key metadata. It has no member that could hold key
/// bytes, so printing or serializing it cannot leak a secret.
/// </summary>
public sealed record PkiListing(
    string CaSubject,
    DateTimeOffset CaNotAfter,
    IReadOnlyList<ListedCertificate> Certificates,
    IReadOnlyList<ListedHostKeys> Hosts);

public sealed record ListedCertificate(IssuedCertificate Certificate, bool Revoked, bool Expired);

public sealed record ListedHostKeys(string HostId, IReadOnlyList<ListedKey> Keys);

public sealed record ListedKey(uint KeyId, KeyState State, DateTimeOffset CreatedAt, DateTimeOffset? RetiresAt, DateTimeOffset? RevokedAt)
{
    /// <summary>"current", "retiring until 2025-01-01T00:00:00.0000000+00:00", "expired" or "revoked".</summary>
    public string Describe() => State switch
    {
        KeyState.Current => "current",
        KeyState.Retiring => $"retiring until {RetiresAt:O}",
        KeyState.Expired => "expired",
        _ => "revoked",
    };

    internal static ListedKey From(KeyringKey key, DateTimeOffset now) =>
        new(key.KeyId, key.StateAt(now), key.CreatedAt, key.RetiresAt, key.RevokedAt);
}
