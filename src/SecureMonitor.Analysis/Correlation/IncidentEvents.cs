namespace SecureMonitor.Analysis.Correlation;

/// <summary>
/// A change to an incident that administrators should hear about, once per change. <see cref="Incident"/> is the
/// incident just after the change.
/// </summary>
public abstract record IncidentEvent(Incident Incident, DateTimeOffset At);

/// <summary>A new episode began. <see cref="IncidentEvent.At"/> is <see cref="Incident.OpenedAt"/>.</summary>
public sealed record IncidentOpened(Incident Incident)
    : IncidentEvent(Incident, Incident.OpenedAt);

/// <summary>
/// The episode spread: new hosts, metrics or reasons joined (listed here). Not emitted for further alerts from
/// hosts and metrics already known: those only update the evidence.
/// </summary>
public sealed record IncidentGrew(
    Incident Incident,
    IReadOnlyList<string> NewHosts,
    IReadOnlyList<string> NewMetrics,
    IncidentReasons NewReasons,
    DateTimeOffset At)
    : IncidentEvent(Incident, At);

/// <summary>An operator acknowledged the incident; it keeps growing and resolves on its own.</summary>
public sealed record IncidentAcknowledged(Incident Incident, Acknowledgement Acknowledgement)
    : IncidentEvent(Incident, Acknowledgement.At);

/// <summary>
/// No new evidence for <see cref="CorrelationOptions.QuietPeriod"/>, or an operator resolved it (then
/// <see cref="ResolvedBy"/> says who, when and why). <see cref="IncidentEvent.At"/> is
/// <see cref="Incident.ResolvedAt"/>: the instant the quiet period completed, whenever it was noticed, or the
/// operator's instant.
/// </summary>
public sealed record IncidentResolved(Incident Incident, Acknowledgement? ResolvedBy = null)
    : IncidentEvent(Incident, Incident.ResolvedAt!.Value);
