namespace SecureMonitor.Analysis.Correlation;

/// <summary>
/// The correlator's state for status displays and tests: the active incident (if any), the correlator's clock
/// (latest time seen), and how much the window holds.
/// </summary>
public sealed record CorrelatorSnapshot(
    Incident? ActiveIncident,
    DateTimeOffset? Clock,
    int HostsInWindow,
    int FiringHostsInWindow,
    int AlertsInWindow,
    long AlertsObserved,
    long LateAlerts);
