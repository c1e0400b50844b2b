namespace SecureMonitor.Pki;

/// <summary>What <see cref="PkiDirectory.AddMonitor"/> issued.</summary>
/// <param name="Names">The DNS names and IP addresses in the node's certificate.</param>
public sealed record MonitorIssueResult(IssueResult Issued, IReadOnlyList<string> Names);
