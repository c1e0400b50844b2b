namespace SecureMonitor.Pki;

/// <summary>A new identity bundle.</summary>
/// <param name="KeyId">Watchers only: the id of the fresh PSK in the bundle's psk.json.</param>
/// <param name="Superseded">Certificates revoked because this one replaced them (forced re-issue).</param>
public sealed record IssueResult(
    CertificateIdentity Certificate,
    string BundleDirectory,
    uint? KeyId,
    IReadOnlyList<RevokedCertificate> Superseded);
