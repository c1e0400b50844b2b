using System.Text.Json.Serialization;

namespace SecureMonitor.Notifications;

/// <summary>What happened to an incident in this notification.</summary>
public enum IncidentChange
{
    [JsonStringEnumMemberName("opened")] Opened,
    /// <summary>More hosts, kinds or a higher severity joined an open incident.</summary>
    [JsonStringEnumMemberName("grew")] Grew,
    [JsonStringEnumMemberName("acknowledged")] Acknowledged,
    [JsonStringEnumMemberName("resolved")] Resolved,
}

/// <summary>The incident's lifecycle state after the change.</summary>
public enum IncidentState
{
    [JsonStringEnumMemberName("open")] Open,
    [JsonStringEnumMemberName("acknowledged")] Acknowledged,
    [JsonStringEnumMemberName("resolved")] Resolved,
}

/// <summary>
/// One change of one DoS incident, as told to administrators. The monitor maps its incidents to
/// this record; this assembly depends on no other SecureMonitor assembly.
/// <para>
/// <b>No secrets.</b> The record carries identifiers (incident, hosts, monitor node), incident
/// kinds, numbers and short texts the monitor composes. It never holds keys, PSKs, certificates,
/// tokens, connection strings or raw alert payloads, and the monitor must not put any into
/// <see cref="Title"/>, <see cref="Summary"/> or <see cref="Note"/>: every channel sends the record
/// as it is to places outside the trust boundary (chat, e-mail, Alertmanager).
/// </para>
/// <para>
/// <see cref="Version"/> grows by one (at least) with every change of the incident, so a receiver
/// can order notifications and drop duplicates; the dispatcher notifies each version once.
/// </para>
/// </summary>
/// <param name="IncidentId">Stable incident id, unique within the monitor cluster.</param>
/// <param name="Change">What this notification reports.</param>
/// <param name="State">The state after the change.</param>
/// <param name="Kinds">Evidence kinds, e.g. <c>distributed_alerts</c>, <c>alert_storm</c>, <c>network_attack</c>.</param>
/// <param name="Title">One line for humans (Alertmanager's <c>summary</c>).</param>
/// <param name="Summary">A few lines for humans (Alertmanager's <c>description</c>).</param>
/// <param name="Severity"><c>warning</c> or <c>critical</c>.</param>
/// <param name="Hosts">Affected host ids.</param>
/// <param name="Metrics">Numbers behind the incident (e.g. <c>hosts</c>, <c>alerts_per_second</c>).</param>
/// <param name="OpenedAt">When the incident opened.</param>
/// <param name="ChangedAt">When this change happened.</param>
/// <param name="ResolvedAt">When it was resolved; set for resolutions.</param>
/// <param name="AcknowledgedBy">The administrator who acknowledged it (certificate subject name).</param>
/// <param name="Note">The administrator's note with an acknowledgement or resolution.</param>
/// <param name="MonitorNode">The monitor node that raised the notification.</param>
/// <param name="Version">Monotonic per incident, starting at 1.</param>
public sealed record IncidentNotification(
    string IncidentId,
    IncidentChange Change,
    IncidentState State,
    IReadOnlyList<string> Kinds,
    string Title,
    string Summary,
    string Severity,
    IReadOnlyList<string> Hosts,
    IReadOnlyDictionary<string, double> Metrics,
    DateTimeOffset OpenedAt,
    DateTimeOffset ChangedAt,
    DateTimeOffset? ResolvedAt,
    string? AcknowledgedBy,
    string? Note,
    string MonitorNode,
    long Version)
{
    public const string SeverityWarning = "warning";
    public const string SeverityCritical = "critical";

    /// <summary>Throws when the record cannot be told to anyone (missing id, node or version).</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(IncidentId);
        ArgumentException.ThrowIfNullOrWhiteSpace(MonitorNode);
        ArgumentNullException.ThrowIfNull(Kinds);
        ArgumentNullException.ThrowIfNull(Hosts);
        ArgumentNullException.ThrowIfNull(Metrics);
        ArgumentOutOfRangeException.ThrowIfLessThan(Version, 1);
    }
}
