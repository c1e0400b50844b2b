using System.Collections.Immutable;
using SecureMonitor.Analysis.Correlation;
using SecureMonitor.Storage;
using CorrelationState = SecureMonitor.Analysis.Correlation.IncidentState;
using StoredState = SecureMonitor.Storage.IncidentState;

namespace SecureMonitor.Monitor.Incidents;

/// <summary>
/// Rebuilds the correlator's state from the store when a node takes over: the open incident (so an
/// ongoing episode continues as the same incident, not a duplicate) and the alerts of the current
/// window (so the next alert is judged with the ones before it).
/// </summary>
internal static class IncidentRestore
{
    public static Incident ToIncident(IncidentRecord record) => new(
        record.Id,
        record.Kinds.Aggregate(IncidentReasons.None, (reasons, kind) => reasons | kind switch
        {
            "distributed_alerts" => IncidentReasons.DistributedAlerts,
            "alert_storm" => IncidentReasons.AlertStorm,
            "network_attack" => IncidentReasons.NetworkAttack,
            _ => IncidentReasons.None,
        }),
        record.State switch
        {
            StoredState.Resolved => CorrelationState.Resolved,
            StoredState.Acknowledged => CorrelationState.Acknowledged,
            _ => CorrelationState.Open,
        },
        record.OpenedAt,
        record.LastEvidenceAt,
        record.ResolvedAt,
        [.. record.Hosts],
        [.. record.Metrics],
        // The stored evidence keeps host, metric and time; the values live on in its text.
        [.. record.Evidence.Select(evidence => new Evidence(evidence.HostId, evidence.Kind, 0, 0, AlertLevel.Warning, evidence.At, evidence.At, 1))],
        record.AlertCount,
        0,
        record.AcknowledgedBy is { } by ? new Acknowledgement(by, record.AcknowledgementNote ?? "", record.AcknowledgedAt ?? record.OpenedAt) : null);

    public static ObservedAlert ToObserved(AlertRecord stored) => new(
        stored.HostId,
        stored.Alert.RuleId,
        stored.Alert.Metric,
        stored.Alert.Severity == AlertSeverity.Critical ? AlertLevel.Critical : AlertLevel.Warning,
        stored.Alert.Value,
        stored.Alert.State == AlertState.Firing,
        stored.ReceivedAt);
}
