using Akka.Actor;
using SecureMonitor.Analysis.Correlation;
using SecureMonitor.Storage;

namespace SecureMonitor.Monitor.Incidents;

/// <summary>
/// Several alerts of one host from one group commit, in order: one message instead of one each. When
/// <see cref="AckTo"/> is set, the correlator tells it <see cref="Ack"/> once it has taken them (the
/// flow control that lets a slow correlator slow the writer instead of losing alerts).
/// </summary>
public sealed record ObservedAlerts(IReadOnlyList<ObservedAlert> Alerts, IActorRef? AckTo = null, object? Ack = null);

/// <summary>Asks the correlator for the active incident (null when quiet); it answers once restored.</summary>
public sealed record GetActiveIncident
{
    public static readonly GetActiveIncident Instance = new();
}

/// <summary>The correlator's open incident, if any.</summary>
public sealed record ActiveIncident(Incident? Incident);

/// <summary>An operator acknowledges the active incident; answered with <see cref="OperatorChangeOutcome"/>.</summary>
public sealed record AcknowledgeIncident(string IncidentId, string By, string Note);

/// <summary>An operator resolves the active incident; answered with <see cref="OperatorChangeOutcome"/>.</summary>
public sealed record ResolveIncident(string IncidentId, string By, string Note);

/// <summary>The incident after an operator's change, as stored; null when it was not the active
/// incident in a state the change applies to (nothing changed).</summary>
public sealed record OperatorChangeOutcome(IncidentRecord? Incident);

/// <summary>Changes of incidents for the incidents actor to store and tell, in order. With
/// <see cref="ReplyTo"/> set (an operator's change), the last change's incident is answered as stored.</summary>
internal sealed record PublishChanges(IReadOnlyList<IncidentEvent> Changes, IActorRef? ReplyTo = null);

/// <summary>The correlator's once-a-second word on the active incident, for notifiers (Alertmanager)
/// that forget alerts not re-sent.</summary>
internal sealed record RefreshActive(Incident Incident, DateTimeOffset Now);
