namespace SecureMonitor.Storage;

/// <summary>
/// The monitor's durable store: hosts and their sequence high-water marks, alerts, incidents, the audit
/// log, threshold settings, cluster membership and the leader lease. Implementations: <see cref="Sqlite.SqliteMonitorStore"/>
/// (one machine) and <see cref="Postgres.PostgresMonitorStore"/> (several machines sharing one database).
/// Every implementation must pass the one contract test class (<c>MonitorStoreContractTests</c>), which is
/// the executable form of these docs.
/// </summary>
/// <remarks>
/// <para><b>No secrets.</b> The store never receives pre-shared keys, private keys or any other secret:
/// nothing in this interface accepts one, and callers must not smuggle one through free-text fields
/// (alert summaries, audit arguments and results).</para>
/// <para><b>Lifecycle.</b> <see cref="MigrateAsync"/> must complete before any other member except
/// <see cref="GetSchemaVersionAsync"/> is called; until then they throw <see cref="InvalidOperationException"/>. After <see cref="IAsyncDisposable.DisposeAsync"/>
/// they throw <see cref="ObjectDisposedException"/>. Members are safe to call concurrently.</para>
/// <para><b>Durability.</b> A write method's task completes only after its transaction is durable
/// (survives a crash of the process and, for SQLite, power loss of the machine). A write whose task
/// faults may or may not have committed only if the fault is an I/O or connection error during commit;
/// every failure named in these docs (fence, version conflict, validation) leaves the store unchanged.</para>
/// <para><b>Fencing.</b> Members taking a <see cref="WriteFence"/> check, in the same transaction as the
/// write, that the lease row's epoch equals the fence's and that the lease has a holder; otherwise they
/// throw <see cref="StaleFenceException"/> and write nothing. The check compares epochs only: lease expiry
/// is the holder's business (it steps down before its lease can expire), and a new holder's grant bumps the
/// epoch, which fences the old holder out at its next write.</para>
/// <para><b>Times.</b> Stored in UTC with microsecond precision; offsets are not kept.</para>
/// </remarks>
public interface IMonitorStore : IAsyncDisposable
{
    // ----- schema -----

    /// <summary>
    /// Brings the schema up to the version this build knows, applying forward-only migrations in order,
    /// each in its own transaction together with its <c>schema_version</c> row (a failed migration leaves
    /// the schema at the previous version). Idempotent: at the current version it changes nothing. Safe
    /// against concurrent migrators (each migration re-reads the version inside its transaction).
    /// </summary>
    /// <exception cref="SchemaTooNewException">The database has a newer schema than this build knows; nothing is changed.</exception>
    Task<MigrationResult> MigrateAsync(CancellationToken ct = default);

    /// <summary>The database's schema version (the highest applied migration; 0 for an empty database).</summary>
    Task<int> GetSchemaVersionAsync(CancellationToken ct = default);

    // ----- leader lease -----

    /// <summary>
    /// Atomically takes the lease for <paramref name="nodeId"/> if it is free (never taken, released, or
    /// expired at <paramref name="now"/>): the epoch is incremented, the grant is appended to the epochs
    /// log, and the lease runs until <paramref name="now"/> + <paramref name="duration"/>. A grant after
    /// expiry or release always starts a new epoch, even for the previous holder. If
    /// <paramref name="nodeId"/> already holds an unexpired lease, extends it and keeps its epoch (and
    /// updates its endpoint). Returns null, changing nothing, if another node holds an unexpired lease.
    /// </summary>
    Task<LeaseGrant?> TryAcquireLeaseAsync(string nodeId, string endpoint, TimeSpan duration, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>
    /// Extends the lease to <paramref name="now"/> + <paramref name="duration"/> if and only if
    /// <paramref name="nodeId"/> holds it at <paramref name="epoch"/> and it has not expired at
    /// <paramref name="now"/>. Returns false, changing nothing, otherwise: the caller must step down
    /// (a lapsed lease is never revived by a renewal; acquire it again, under a new epoch).
    /// </summary>
    Task<bool> RenewLeaseAsync(string nodeId, long epoch, TimeSpan duration, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>The lease row as committed (it may be expired: judge with <see cref="LeaseState.IsHeldAt"/>).</summary>
    Task<LeaseState> ReadLeaseAsync(CancellationToken ct = default);

    /// <summary>
    /// Gives the lease up if <paramref name="nodeId"/> holds it at <paramref name="epoch"/> (expired or not):
    /// the holder is cleared, the epoch is kept, so writes fenced with it are refused from then on and any
    /// node may acquire at once (under epoch + 1). Returns false, changing nothing, otherwise.
    /// </summary>
    Task<bool> ReleaseLeaseAsync(string nodeId, long epoch, CancellationToken ct = default);

    /// <summary>
    /// The log of grants, oldest first, each with the span its lease ran: a grant or renewal (including
    /// an extension by <see cref="TryAcquireLeaseAsync"/>) moves its epoch's <see cref="LeaderEpoch.LeaseUntil"/>
    /// to the new expiry; a grant after a release cuts the released epoch's span short to the grant time.
    /// </summary>
    Task<IReadOnlyList<LeaderEpoch>> ListLeaderEpochsAsync(CancellationToken ct = default);

    // ----- verified messages -----

    /// <summary>
    /// Group commit of verified messages, in ONE transaction (all or nothing): alerts and resolutions
    /// become alert rows; heartbeats and control messages become no row. For every accepted message the
    /// host is upserted (first seen, last seen, and for heartbeats last heartbeat, by receive time) and its
    /// high-water mark rises to max(current, sequence). A message whose sequence is at or below the host's
    /// high-water mark (as of its place in the batch), or whose (host, sequence) is already stored, is a
    /// <see cref="AppendOutcome.Duplicate"/> and changes nothing; the first stored version wins. Outcomes
    /// come back in batch order. Completes when the transaction is durable.
    /// </summary>
    /// <exception cref="ArgumentException">A message fails <see cref="StoredMessage.Validate"/>; nothing is written.</exception>
    /// <exception cref="StaleFenceException">The fence is stale; nothing is written.</exception>
    Task<IReadOnlyList<AppendOutcome>> AppendAsync(IReadOnlyList<StoredMessage> batch, WriteFence fence, CancellationToken ct = default);

    /// <summary>Every host's high-water mark (the highest accepted sequence), to restore dedup state on start or failover.</summary>
    Task<IReadOnlyDictionary<string, ulong>> GetHighWaterMarksAsync(CancellationToken ct = default);

    /// <summary>One host's high-water mark; 0 for a host never seen (sequences start at 1).</summary>
    Task<ulong> GetHighWaterMarkAsync(string hostId, CancellationToken ct = default);

    // ----- queries and retention -----

    /// <summary>Alert rows matching every given filter, newest (by receive time) first, at most <see cref="AlertQuery.Limit"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The limit is outside 1..<see cref="AlertQuery.MaxLimit"/>.</exception>
    Task<IReadOnlyList<AlertRecord>> ListAlertsAsync(AlertQuery query, CancellationToken ct = default);

    /// <summary>Every host, ordered by host id.</summary>
    Task<IReadOnlyList<HostRecord>> ListHostsAsync(CancellationToken ct = default);

    /// <summary>
    /// Deletes alert rows received (or, for alerts the monitor raised, raised) before <paramref name="olderThan"/> and returns how many. Works in
    /// bounded batches, each its own fenced transaction, so it never holds the write lock for long; it is
    /// therefore not atomic as a whole: on <see cref="StaleFenceException"/> earlier batches stay deleted
    /// (they were deleted under a then-valid fence). Hosts and high-water marks are kept, so pruned
    /// sequences are still recognised as duplicates.
    /// </summary>
    Task<int> PruneAlertsAsync(DateTimeOffset olderThan, WriteFence fence, CancellationToken ct = default);

    // ----- alerts the monitor raises -----

    /// <summary>
    /// Stores an alert the monitor raised itself (no watcher sequence; the subject need not be a known host),
    /// under the fence like every write of a term. From then on <see cref="ListAlertsAsync"/> lists it with
    /// the watchers' alerts (<see cref="AlertOrigin.Monitor"/>, sequence 0), and <see cref="PruneAlertsAsync"/>
    /// prunes it by the time it was raised.
    /// </summary>
    /// <exception cref="ArgumentException">The alert fails <see cref="RaisedAlert.Validate"/>; nothing is written.</exception>
    /// <exception cref="StaleFenceException">The fence is stale; nothing is written.</exception>
    Task AppendRaisedAlertAsync(RaisedAlert alert, WriteFence fence, CancellationToken ct = default);

    // ----- refusal counters -----

    /// <summary>
    /// Adds each increment to the stored total of its subject and reason (a new pair starts at 0), in one
    /// transaction, and notes <paramref name="at"/> as the pair's last update. Not fenced: every node counts
    /// what it refused (followers refuse handshakes too), and increments from several nodes add up.
    /// </summary>
    /// <exception cref="ArgumentException">A subject or reason is empty, or an increment is negative; nothing is written.</exception>
    Task AddRejectionCountsAsync(IReadOnlyList<RejectionTally> increments, DateTimeOffset at, CancellationToken ct = default);

    /// <summary>Every stored total, ordered by subject, then reason.</summary>
    Task<IReadOnlyList<RejectionTally>> ListRejectionCountsAsync(CancellationToken ct = default);

    // ----- incidents -----

    /// <summary>
    /// Inserts or updates an incident with optimistic concurrency (not last-writer-wins): with
    /// <see cref="IncidentRecord.Version"/> 0 the incident must not exist yet; otherwise the stored version
    /// must equal it. On success the stored version becomes Version + 1, which is returned. Atomic.
    /// </summary>
    /// <exception cref="IncidentVersionConflictException">The version does not match; nothing is written.</exception>
    /// <exception cref="StaleFenceException">The fence is stale; nothing is written.</exception>
    Task<long> UpsertIncidentAsync(IncidentRecord incident, WriteFence fence, CancellationToken ct = default);

    /// <summary>Incidents, most recently opened first; with <paramref name="openOnly"/> only those not resolved (open or acknowledged).</summary>
    Task<IReadOnlyList<IncidentRecord>> ListIncidentsAsync(bool openOnly, CancellationToken ct = default);

    /// <summary>One incident, or null.</summary>
    Task<IncidentRecord?> GetIncidentAsync(string id, CancellationToken ct = default);

    // ----- audit log -----

    /// <summary>
    /// Appends to the audit log (never updated or deleted) and returns the entry's id (increasing).
    /// The fence is optional for audit only: a follower must be able to record the commands it refused.
    /// With a fence, a stale one throws <see cref="StaleFenceException"/> and nothing is written.
    /// </summary>
    Task<long> AppendAuditAsync(AuditRecord record, WriteFence? fence, CancellationToken ct = default);

    /// <summary>Audit entries at or after <paramref name="since"/> (all when null), newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<AuditEntry>> ListAuditAsync(DateTimeOffset? since, int limit, CancellationToken ct = default);

    // ----- threshold settings -----

    /// <summary>
    /// Replaces the settings of <see cref="ThresholdSettingsRecord.Scope"/> (inserting the scope if new). Atomic;
    /// the settings come back from <see cref="ListThresholdSettingsAsync"/> in the order given.
    /// </summary>
    /// <exception cref="ArgumentException">The scope or updater is empty, a setting is null, or the revision is below 1; nothing is written.</exception>
    /// <exception cref="StaleFenceException">The fence is stale; nothing is written.</exception>
    Task UpsertThresholdSettingsAsync(ThresholdSettingsRecord settings, WriteFence fence, CancellationToken ct = default);

    /// <summary>Every scope's settings, ordered by scope (so <see cref="ThresholdSettingsRecord.AllHosts"/> comes first).</summary>
    Task<IReadOnlyList<ThresholdSettingsRecord>> ListThresholdSettingsAsync(CancellationToken ct = default);

    /// <summary>
    /// Records that a host's watcher acknowledged a threshold revision. Keeps the highest revision per host: a
    /// lower or equal revision changes nothing (acknowledgements may arrive again after a reconnect).
    /// </summary>
    /// <exception cref="ArgumentException">The host id is empty or the revision is below 1; nothing is written.</exception>
    /// <exception cref="StaleFenceException">The fence is stale; nothing is written.</exception>
    Task RecordThresholdsAppliedAsync(ThresholdsAppliedRecord applied, WriteFence fence, CancellationToken ct = default);

    /// <summary>Every host's highest acknowledged threshold revision, ordered by host id.</summary>
    Task<IReadOnlyList<ThresholdsAppliedRecord>> ListThresholdsAppliedAsync(CancellationToken ct = default);

    // Membership is Akka.Cluster's (the monitor cluster); the members table of schema 2 is no longer written.
}
