namespace SecureMonitor.Pki;

/// <summary>One entry of revoked.json.</summary>
/// <param name="Subject">The certificate's CN (host id or admin name), for humans reading the file.</param>
public sealed record RevokedCertificate(string Serial, string Subject, CertificateRole Role, DateTimeOffset RevokedAt, string Reason);
