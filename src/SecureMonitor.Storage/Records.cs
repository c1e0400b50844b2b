namespace SecureMonitor.Storage;

/// <summary>
/// The fencing token every leader write carries: the lease epoch the writer believes it holds.
/// The store compares it with the lease row's epoch inside the write's own transaction and refuses
/// the write (<see cref="StaleFenceException"/>) when they differ, so a deposed leader can never write.
/// </summary>
public readonly record struct WriteFence(long Epoch);

/// <summary>A granted (or renewed) leader lease: the epoch to fence writes with, and when it lapses.</summary>
public sealed record LeaseGrant(long Epoch, DateTimeOffset ExpiresAt);

/// <summary>
/// The lease row as stored. <see cref="Holder"/> is null when the lease was never taken or was released;
/// <see cref="Epoch"/> is the epoch of the last grant (0 before the first one).
/// </summary>
public sealed record LeaseState(string? Holder, string? Endpoint, long Epoch, DateTimeOffset ExpiresAt)
{
    /// <summary>Whether a holder has the lease at <paramref name="now"/> (by the caller's clock).</summary>
    public bool IsHeldAt(DateTimeOffset now) => Holder is not null && ExpiresAt > now;
}

/// <summary>
/// One entry of the log of leadership grants, for audits: the term's lease ran from
/// <see cref="AcquiredAt"/> to <see cref="LeaseUntil"/> (its last grant or renewal, cut short to the next
/// grant when it was released). A leader accepts watcher traffic only within that span, so the spans of
/// different epochs never overlap.
/// </summary>
public sealed record LeaderEpoch(long Epoch, string NodeId, string Endpoint, DateTimeOffset AcquiredAt, DateTimeOffset LeaseUntil);

/// <summary>What a verified watcher message was. Only alerts and resolutions become rows.</summary>
public enum MessageKind
{
    /// <summary>An alert fired, escalated or changed: stored as an alert row.</summary>
    Alert = 1,

    /// <summary>An alert resolved: stored as an alert row.</summary>
    Resolution = 2,

    /// <summary>Liveness only: advances the host's last heartbeat and high-water mark, never a row.</summary>
    Heartbeat = 3,

    /// <summary>Control traffic (e.g. thresholds applied): advances the high-water mark only, never a row.</summary>
    Control = 4,
}

/// <summary>Alert severity. Numbered as on the wire (INFO = 1, WARNING = 2, CRITICAL = 3).</summary>
public enum AlertSeverity
{
    Info = 1,
    Warning = 2,
    Critical = 3,
}

/// <summary>Alert state, numbered as on the wire.</summary>
public enum AlertState
{
    Firing = 1,
    Resolved = 2,
}

/// <summary>The alert part of an <see cref="MessageKind.Alert"/> or <see cref="MessageKind.Resolution"/> message.</summary>
public sealed record AlertDetails(
    string RuleId,
    string Metric,
    AlertSeverity Severity,
    AlertState State,
    double Value,
    double Threshold,
    string Summary);

/// <summary>
/// A verified watcher message as the store receives it. <see cref="Alert"/> is required for alerts and
/// resolutions and must be null for heartbeats and control messages. Sequences start at 1 and must fit a
/// signed 64-bit integer (both SQLite and PostgreSQL store them as such).
/// </summary>
public sealed record StoredMessage(
    string HostId,
    ulong Sequence,
    MessageKind Kind,
    DateTimeOffset ReceivedAt,
    DateTimeOffset SentAt,
    AlertDetails? Alert = null)
{
    /// <summary>The largest sequence the store accepts.</summary>
    public const ulong MaxSequence = long.MaxValue;

    public static StoredMessage ForAlert(string hostId, ulong sequence, DateTimeOffset receivedAt, DateTimeOffset sentAt, AlertDetails alert) =>
        new(hostId, sequence, alert.State == AlertState.Resolved ? MessageKind.Resolution : MessageKind.Alert, receivedAt, sentAt, alert);

    public static StoredMessage ForHeartbeat(string hostId, ulong sequence, DateTimeOffset receivedAt, DateTimeOffset sentAt) =>
        new(hostId, sequence, MessageKind.Heartbeat, receivedAt, sentAt);

    /// <summary>Throws <see cref="ArgumentException"/> when the message cannot be stored as it is.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(HostId)) throw new ArgumentException("A stored message needs a host id.", nameof(HostId));
        if (Sequence is 0 or > MaxSequence)
            throw new ArgumentException($"Sequence {Sequence} of host '{HostId}' is outside 1..{MaxSequence}.", nameof(Sequence));
        switch (Kind)
        {
            case MessageKind.Alert or MessageKind.Resolution:
                if (Alert is null) throw new ArgumentException($"A {Kind} message needs alert details (host '{HostId}', sequence {Sequence}).", nameof(Alert));
                if (!double.IsFinite(Alert.Value) || !double.IsFinite(Alert.Threshold))
                    throw new ArgumentException($"Alert value and threshold must be finite (host '{HostId}', sequence {Sequence}).", nameof(Alert));
                if (!Enum.IsDefined(Alert.Severity) || !Enum.IsDefined(Alert.State))
                    throw new ArgumentException($"Unknown severity or state (host '{HostId}', sequence {Sequence}).", nameof(Alert));
                ArgumentNullException.ThrowIfNull(Alert.RuleId);
                ArgumentNullException.ThrowIfNull(Alert.Metric);
                ArgumentNullException.ThrowIfNull(Alert.Summary);
                break;
            case MessageKind.Heartbeat or MessageKind.Control:
                if (Alert is not null) throw new ArgumentException($"A {Kind} message carries no alert details (host '{HostId}', sequence {Sequence}).", nameof(Alert));
                break;
            default:
                throw new ArgumentException($"Unknown message kind {(int)Kind}.", nameof(Kind));
        }
    }
}

/// <summary>What happened to one message of an append.</summary>
public enum AppendOutcome
{
    /// <summary>Accepted: stored (alerts, resolutions) or applied to the host (heartbeats, control).</summary>
    Stored = 1,

    /// <summary>At or below the host's high-water mark, or already stored: nothing changed.</summary>
    Duplicate = 2,
}

/// <summary>
/// A stored alert or resolution row. A watcher's alert carries its sequence; an alert the monitor raised
/// itself (<see cref="AlertOrigin.Monitor"/>, see <see cref="RaisedAlert"/>) has sequence 0, its
/// <see cref="HostId"/> is the subject it concerns, and its sent and received times are when it was raised.
/// </summary>
public sealed record AlertRecord(
    string HostId,
    ulong Sequence,
    MessageKind Kind,
    DateTimeOffset ReceivedAt,
    DateTimeOffset SentAt,
    AlertDetails Alert,
    AlertOrigin Origin = AlertOrigin.Watcher);

/// <summary>Who raised an alert.</summary>
public enum AlertOrigin
{
    /// <summary>A watcher sent it, sealed and sequenced.</summary>
    Watcher = 1,

    /// <summary>The monitor raised it about a host or peer (tampering suspected, a watcher's spool dropping messages).</summary>
    Monitor = 2,
}

/// <summary>
/// An alert the monitor raises itself: it has no watcher sequence. <see cref="Subject"/> is the host it
/// concerns (the host whose certificate sent the bad messages), or the peer's address when no host was
/// proven; it need not be a known host.
/// </summary>
public sealed record RaisedAlert(string Subject, DateTimeOffset At, AlertDetails Alert)
{
    /// <summary>Throws <see cref="ArgumentException"/> when the alert cannot be stored as it is.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(Subject);
        ArgumentNullException.ThrowIfNull(Alert);
        if (!double.IsFinite(Alert.Value) || !double.IsFinite(Alert.Threshold))
            throw new ArgumentException($"Alert value and threshold must be finite (raised about '{Subject}').", nameof(Alert));
        if (!Enum.IsDefined(Alert.Severity) || !Enum.IsDefined(Alert.State))
            throw new ArgumentException($"Unknown severity or state (raised about '{Subject}').", nameof(Alert));
        ArgumentException.ThrowIfNullOrEmpty(Alert.Metric);
        ArgumentNullException.ThrowIfNull(Alert.RuleId);
        ArgumentNullException.ThrowIfNull(Alert.Summary);
    }
}

/// <summary>
/// How many messages or connections of one subject (a host id, or "-" for peers that proved no identity)
/// were refused for one reason (its metric name, e.g. <c>bad_hmac</c>): an increment to add, or a total.
/// </summary>
public sealed record RejectionTally(string Subject, string Reason, long Count);

/// <summary>Filter for <see cref="IMonitorStore.ListAlertsAsync"/>. Null filters match everything.</summary>
public sealed record AlertQuery
{
    /// <summary>The most rows a query may ask for.</summary>
    public const int MaxLimit = 10_000;

    /// <summary>Only this host's alerts.</summary>
    public string? Host { get; init; }

    /// <summary>Only alerts received at or after this instant (inclusive).</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Only alerts of exactly this severity.</summary>
    public AlertSeverity? Severity { get; init; }

    /// <summary>Only alerts of exactly this metric.</summary>
    public string? Metric { get; init; }

    /// <summary>Only alerts of this origin (the watchers', or the monitor's own).</summary>
    public AlertOrigin? Origin { get; init; }

    /// <summary>At most this many rows, 1..<see cref="MaxLimit"/>.</summary>
    public int Limit { get; init; } = 100;
}

/// <summary>A watcher host as the monitor has seen it.</summary>
public sealed record HostRecord(
    string HostId,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    DateTimeOffset? LastHeartbeat,
    ulong HighWaterMark);

public enum IncidentState
{
    Open = 1,
    Acknowledged = 2,
    Resolved = 3,
}

/// <summary>One piece of evidence behind an incident (an alert, a network attack signal, ...).</summary>
public sealed record IncidentEvidence(DateTimeOffset At, string HostId, string Kind, string Detail);

/// <summary>
/// An incident as stored. <see cref="Version"/> is for optimistic concurrency: 0 for a new incident, else
/// the version last read; the store bumps it on every successful upsert (see
/// <see cref="IMonitorStore.UpsertIncidentAsync"/>). Lists compare by reference in record equality:
/// compare them with SequenceEqual.
/// </summary>
public sealed record IncidentRecord(
    string Id,
    IncidentState State,
    IReadOnlyList<string> Kinds,
    DateTimeOffset OpenedAt,
    DateTimeOffset LastEvidenceAt,
    DateTimeOffset? ResolvedAt,
    string? AcknowledgedBy,
    DateTimeOffset? AcknowledgedAt,
    string? AcknowledgementNote,
    IReadOnlyList<string> Hosts,
    IReadOnlyList<string> Metrics,
    IReadOnlyList<IncidentEvidence> Evidence,
    int AlertCount,
    long Version);

/// <summary>
/// One administrative command and its outcome. <see cref="Arguments"/> and <see cref="Result"/> must never
/// contain secrets: the admin layer redacts them before they reach the store.
/// </summary>
public sealed record AuditRecord(
    DateTimeOffset At,
    string Subject,
    string Role,
    string Command,
    string Arguments,
    string Result,
    bool Success);

/// <summary>A stored audit record: its position in the log and the epoch it was written under (null: unfenced, e.g. on a follower).</summary>
public sealed record AuditEntry(long Id, long? Epoch, AuditRecord Record);

/// <summary>
/// The threshold settings operators gave one scope: a host id, or <see cref="AllHosts"/> for every host. The
/// store keeps <see cref="Settings"/> as opaque texts in order (the monitor writes <c>metric.key=value</c>);
/// <see cref="Revision"/> is the revision the change was published under (at least 1).
/// </summary>
public sealed record ThresholdSettingsRecord(string Scope, long Revision, IReadOnlyList<string> Settings, string UpdatedBy, DateTimeOffset UpdatedAt)
{
    /// <summary>The scope of settings that apply to every host.</summary>
    public const string AllHosts = "*";
}

/// <summary>The highest threshold revision a host's watcher acknowledged as in force, and when.</summary>
public sealed record ThresholdsAppliedRecord(string HostId, long Revision, DateTimeOffset AppliedAt);


/// <summary>The schema version before and after <see cref="IMonitorStore.MigrateAsync"/>.</summary>
public sealed record MigrationResult(int FromVersion, int ToVersion)
{
    public bool Applied => ToVersion != FromVersion;
}
