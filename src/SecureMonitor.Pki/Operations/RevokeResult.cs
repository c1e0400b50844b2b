namespace SecureMonitor.Pki;

/// <param name="RevokedKeyIds">The host's PSKs withdrawn with it (watchers only).</param>
public sealed record RevokeResult(string Name, IReadOnlyList<RevokedCertificate> RevokedCertificates, IReadOnlyList<uint> RevokedKeyIds);
