using System.Collections.Immutable;

namespace SecureMonitor.Analysis.Correlation;

/// <summary>
/// One DoS episode, as an immutable snapshot: every event carries the incident as it was at that moment.
/// <see cref="Hosts"/> and <see cref="Metrics"/> are those of the <see cref="Evidence"/> items, which are capped
/// (<see cref="CorrelationOptions.MaxEvidencePerIncident"/>); <see cref="AlertCount"/> counts every alert absorbed,
/// and <see cref="UnrecordedAlerts"/> those whose host and metric found no room in the evidence.
/// Collections are immutable trees, so a snapshot costs nothing to take and shares structure with the next one.
/// </summary>
public sealed record Incident(
    string Id,
    IncidentReasons Reasons,
    IncidentState State,
    DateTimeOffset OpenedAt,
    DateTimeOffset LastEvidenceAt,
    DateTimeOffset? ResolvedAt,
    ImmutableSortedSet<string> Hosts,
    ImmutableSortedSet<string> Metrics,
    ImmutableList<Evidence> Evidence,
    long AlertCount,
    long UnrecordedAlerts,
    Acknowledgement? Acknowledgement)
{
    /// <summary>Open or acknowledged: still collecting evidence.</summary>
    public bool IsActive => State is not IncidentState.Resolved;
}

/// <summary>An operator took the incident in hand.</summary>
public sealed record Acknowledgement(string By, string Note, DateTimeOffset At);
