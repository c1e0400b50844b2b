namespace SecureMonitor.Analysis.Correlation;

/// <summary>
/// One verified alert as the correlator sees it: <paramref name="Firing"/> is true when the alert opened or
/// changed severity, false when it resolved. <paramref name="At"/> is the alert's own timestamp; callers reject
/// or restamp alerts with excessive clock skew before they get here (the window is over these timestamps).
/// </summary>
public sealed record ObservedAlert(
    string HostId,
    string RuleId,
    string Metric,
    AlertLevel Severity,
    double Value,
    bool Firing,
    DateTimeOffset At);
