using SecureMonitor.Analysis.Correlation;
using SecureMonitor.Notifications;
using SecureMonitor.Storage;
using CorrelationState = SecureMonitor.Analysis.Correlation.IncidentState;
using NotifiedState = SecureMonitor.Notifications.IncidentState;
using StoredState = SecureMonitor.Storage.IncidentState;

namespace SecureMonitor.Monitor.Incidents;

/// <summary>Translates the correlator's incidents into what the store keeps and what
/// administrators are told. Neither carries anything secret.</summary>
internal static class IncidentMapping
{
    public static IReadOnlyList<string> Kinds(IncidentReasons reasons) =>
        [.. new[] { (IncidentReasons.DistributedAlerts, "distributed_alerts"), (IncidentReasons.AlertStorm, "alert_storm"), (IncidentReasons.NetworkAttack, "network_attack") }
            .Where(pair => reasons.HasFlag(pair.Item1)).Select(pair => pair.Item2)];

    public static IncidentRecord ToRecord(Incident incident, long version) => new(
        incident.Id,
        incident.State switch
        {
            CorrelationState.Resolved => StoredState.Resolved,
            CorrelationState.Acknowledged => StoredState.Acknowledged,
            _ => StoredState.Open,
        },
        Kinds(incident.Reasons),
        incident.OpenedAt,
        incident.LastEvidenceAt,
        incident.ResolvedAt,
        incident.Acknowledgement?.By,
        incident.Acknowledgement?.At,
        incident.Acknowledgement?.Note,
        [.. incident.Hosts],
        [.. incident.Metrics],
        [.. incident.Evidence.Select(evidence => new IncidentEvidence(evidence.LastSeen, evidence.HostId, evidence.Metric,
            $"{evidence.Severity.ToString().ToLowerInvariant()} value {evidence.Value:0.##} (max {evidence.MaxValue:0.##}), {evidence.Count} alert(s) since {evidence.FirstSeen:O}"))],
        (int)Math.Min(int.MaxValue, incident.AlertCount),
        version);

    public static IncidentChange ChangeOf(IncidentEvent change) => change switch
    {
        IncidentOpened => IncidentChange.Opened,
        IncidentAcknowledged => IncidentChange.Acknowledged,
        IncidentResolved => IncidentChange.Resolved,
        _ => IncidentChange.Grew,
    };

    public static IncidentNotification ToNotification(IncidentEvent change, string monitorNode, long version)
    {
        var notification = ToNotification(change.Incident, ChangeOf(change), change.At, monitorNode, version);
        // An operator's resolution carries who and why; a quiet-period resolution has neither.
        return change is IncidentResolved { ResolvedBy: { } by }
            ? notification with { Note = by.Note.Length > 0 ? $"resolved by {by.By}: {by.Note}" : $"resolved by {by.By}" }
            : notification;
    }

    /// <summary>The incident as it is now, told as <paramref name="change"/> (a refresh repeats the
    /// last change it was published with, so receivers never see a change that did not happen).</summary>
    public static IncidentNotification ToNotification(Incident incident, IncidentChange change, DateTimeOffset at, string monitorNode, long version)
    {
        var critical = incident.Evidence.Any(evidence => evidence.Severity == AlertLevel.Critical)
            || incident.Reasons.HasFlag(IncidentReasons.NetworkAttack);
        var kinds = Kinds(incident.Reasons);
        return new IncidentNotification(
            incident.Id,
            change,
            incident.State switch
            {
                CorrelationState.Resolved => NotifiedState.Resolved,
                CorrelationState.Acknowledged => NotifiedState.Acknowledged,
                _ => NotifiedState.Open,
            },
            kinds,
            $"Possible DoS: {string.Join(", ", kinds)} on {incident.Hosts.Count} host(s)",
            $"{incident.AlertCount} alert(s) from {string.Join(", ", incident.Hosts.Take(10))}{(incident.Hosts.Count > 10 ? ", ..." : "")}; metrics {string.Join(", ", incident.Metrics)}",
            critical ? IncidentNotification.SeverityCritical : IncidentNotification.SeverityWarning,
            [.. incident.Hosts],
            incident.Evidence.GroupBy(evidence => evidence.Metric).ToDictionary(group => group.Key, group => group.Max(evidence => evidence.MaxValue)),
            incident.OpenedAt,
            at,
            incident.ResolvedAt,
            incident.Acknowledgement?.By,
            incident.Acknowledgement?.Note,
            monitorNode,
            version);
    }
}
