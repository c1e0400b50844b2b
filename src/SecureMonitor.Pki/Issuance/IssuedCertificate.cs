namespace SecureMonitor.Pki;

/// <summary>One entry of issued.json, the record of every certificate the CA has signed.</summary>
/// <param name="Name">CN: host id, admin name or monitor node name.</param>
/// <param name="HostId">Watchers only.</param>
public sealed record IssuedCertificate(
    string Serial,
    CertificateRole Role,
    string Name,
    string? HostId,
    DateTimeOffset NotAfter,
    DateTimeOffset IssuedAt);
