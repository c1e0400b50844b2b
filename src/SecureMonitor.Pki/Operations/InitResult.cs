namespace SecureMonitor.Pki;

/// <summary>What <see cref="PkiDirectory.Init"/> created.</summary>
/// <param name="MonitorNames">The DNS names and IP addresses in the monitor certificate.</param>
public sealed record InitResult(
    string Directory,
    string CaSubject,
    DateTimeOffset CaNotAfter,
    CertificateIdentity Monitor,
    IReadOnlyList<string> MonitorNames,
    IssueResult Admin);
