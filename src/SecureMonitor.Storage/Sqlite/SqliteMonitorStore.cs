using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using static SecureMonitor.Storage.StoredValues;

namespace SecureMonitor.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file (<c>monitor.db</c>) in WAL mode under the data directory.
/// </summary>
/// <remarks>
/// <para>Durability: <c>synchronous=FULL</c> in WAL mode, so every commit fsyncs the WAL before it returns
/// and an acknowledged alert survives power loss of the machine, not just a crash of the process
/// (<c>NORMAL</c> would only lose the last commits on power loss, but those are exactly the acknowledged
/// ones). The cost, one fsync per commit (~8 k commits/s here), is paid once per batch: callers go through
/// <see cref="GroupCommitWriter"/>, which commits up to 1,000 messages per transaction.</para>
/// <para>Concurrency: one writer connection, writes serialised by a semaphore, each a
/// <c>BEGIN IMMEDIATE</c> transaction (so the fence read and the write happen under the database's write
/// lock, also against other processes); a small pool of <c>query_only</c> read connections, which WAL lets
/// run alongside the writer.</para>
/// </remarks>
public sealed class SqliteMonitorStore : IMonitorStore
{
    static SqliteMonitorStore()
    {
        // SQLitePCLRaw 3.x: select the bundled e_sqlite3 native library. Idempotent; Microsoft.Data.Sqlite
        // would also try this by reflection, but being explicit makes a missing native library fail here.
        SQLitePCL.Batteries_V2.Init();
    }

    private readonly SqliteMonitorStoreOptions _options;
    private readonly IReadOnlyList<SqliteMigration> _migrations;
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly SemaphoreSlim _readSlots;
    private readonly ConcurrentBag<SqliteConnection> _idleReaders = [];
    private SqliteConnection? _writer;
    private volatile bool _migrated;
    private volatile bool _disposed;

    public SqliteMonitorStore(SqliteMonitorStoreOptions options)
        : this(options, SqliteMigrations.All)
    {
    }

    internal SqliteMonitorStore(SqliteMonitorStoreOptions options, IReadOnlyList<SqliteMigration> migrations)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.DataDirectory);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ReadConnections, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PruneBatchSize, 1);
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1) throw new ArgumentException("Migrations must be numbered 1, 2, 3, ... in order.", nameof(migrations));
        }

        _options = options;
        _migrations = migrations;
        Directory.CreateDirectory(options.DataDirectory);
        DatabasePath = Path.GetFullPath(Path.Combine(options.DataDirectory, SqliteMonitorStoreOptions.FileName));
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false, // we keep our own connections; closing must really close the file
            ForeignKeys = true,
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        }.ToString();
        _readSlots = new SemaphoreSlim(options.ReadConnections, options.ReadConnections);
    }

    /// <summary>Full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <summary>The schema version this build migrates to.</summary>
    public int LatestSchemaVersion => _migrations.Count;

    // ------------------------------------------------------------------ schema

    public async Task<MigrationResult> MigrateAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var writer = _writer ??= OpenWriter();
            using (var tx = writer.BeginTransaction(deferred: false))
            {
                Execute(writer, tx, """
                    CREATE TABLE IF NOT EXISTS schema_version (
                        version     INTEGER PRIMARY KEY,
                        description TEXT    NOT NULL,
                        applied_at  INTEGER NOT NULL
                    ) STRICT
                    """);
                tx.Commit();
            }

            int? from = null;
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                // Re-read inside each transaction: another process may be migrating the same file.
                using var tx = writer.BeginTransaction(deferred: false);
                var current = ReadSchemaVersion(writer, tx);
                from ??= current;
                if (current > LatestSchemaVersion) throw new SchemaTooNewException(DatabasePath, current, LatestSchemaVersion);
                if (current == LatestSchemaVersion)
                {
                    tx.Commit();
                    break;
                }

                var next = _migrations[current];
                Execute(writer, tx, next.Sql);
                Execute(writer, tx, "INSERT INTO schema_version (version, description, applied_at) VALUES ($v, $d, $at)",
                    ("$v", next.Version), ("$d", next.Description), ("$at", ToMicros(_options.Time.GetUtcNow())));
                tx.Commit();
            }

            _migrated = true;
            return new MigrationResult(from.Value, LatestSchemaVersion);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public Task<int> GetSchemaVersionAsync(CancellationToken ct = default) =>
        ReadAsync(c => ReadSchemaVersion(c, null), ct, requireMigrated: false);

    private static int ReadSchemaVersion(SqliteConnection c, SqliteTransaction? tx)
    {
        var exists = Scalar<long>(c, tx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'");
        return exists == 0 ? 0 : (int)Scalar<long>(c, tx, "SELECT coalesce(max(version), 0) FROM schema_version");
    }

    // ------------------------------------------------------------------ lease

    public Task<LeaseGrant?> TryAcquireLeaseAsync(string nodeId, string endpoint, TimeSpan duration, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        var nowUs = ToMicros(now);
        var untilUs = ToMicros(now + duration);
        return WriteAsync<LeaseGrant?>(null, (c, tx) =>
        {
            var lease = ReadLease(c, tx);
            var live = lease.Holder is not null && ToMicros(lease.ExpiresAt) > nowUs;
            if (live && lease.Holder == nodeId)
            {
                Execute(c, tx, "UPDATE leader_lease SET endpoint = $e, expires_at = $until WHERE id = 1", ("$e", endpoint), ("$until", untilUs));
                return new LeaseGrant(lease.Epoch, FromMicros(untilUs));
            }

            if (live) return null;

            var epoch = lease.Epoch + 1;
            Execute(c, tx, "UPDATE leader_lease SET holder = $n, endpoint = $e, epoch = $epoch, expires_at = $until WHERE id = 1",
                ("$n", nodeId), ("$e", endpoint), ("$epoch", epoch), ("$until", untilUs));
            Execute(c, tx, "INSERT INTO leader_epochs (epoch, node_id, endpoint, acquired_at) VALUES ($epoch, $n, $e, $now)",
                ("$epoch", epoch), ("$n", nodeId), ("$e", endpoint), ("$now", nowUs));
            return new LeaseGrant(epoch, FromMicros(untilUs));
        }, ct);
    }

    public Task<bool> RenewLeaseAsync(string nodeId, long epoch, TimeSpan duration, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        return WriteAsync(null, (c, tx) => Execute(c, tx, """
            UPDATE leader_lease SET expires_at = $until
            WHERE id = 1 AND holder = $n AND epoch = $epoch AND expires_at > $now
            """, ("$until", ToMicros(now + duration)), ("$n", nodeId), ("$epoch", epoch), ("$now", ToMicros(now))) == 1, ct);
    }

    public Task<LeaseState> ReadLeaseAsync(CancellationToken ct = default) => ReadAsync(c => ReadLease(c, null), ct);

    public Task<bool> ReleaseLeaseAsync(string nodeId, long epoch, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        return WriteAsync(null, (c, tx) => Execute(c, tx, """
            UPDATE leader_lease SET holder = NULL, endpoint = NULL, expires_at = 0
            WHERE id = 1 AND holder = $n AND epoch = $epoch
            """, ("$n", nodeId), ("$epoch", epoch)) == 1, ct);
    }

    public Task<IReadOnlyList<LeaderEpoch>> ListLeaderEpochsAsync(CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<LeaderEpoch>>(c =>
        {
            using var cmd = Command(c, null, "SELECT epoch, node_id, endpoint, acquired_at FROM leader_epochs ORDER BY epoch");
            using var r = cmd.ExecuteReader();
            var list = new List<LeaderEpoch>();
            while (r.Read()) list.Add(new LeaderEpoch(r.GetInt64(0), r.GetString(1), r.GetString(2), FromMicros(r.GetInt64(3))));
            return list;
        }, ct);

    private static LeaseState ReadLease(SqliteConnection c, SqliteTransaction? tx)
    {
        using var cmd = Command(c, tx, "SELECT holder, endpoint, epoch, expires_at FROM leader_lease WHERE id = 1");
        using var r = cmd.ExecuteReader();
        if (!r.Read()) throw new StoredDataException("The leader_lease row is missing.");
        return new LeaseState(r.IsDBNull(0) ? null : r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetInt64(2), FromMicros(r.GetInt64(3)));
    }

    /// <summary>The fence check, run first inside every fenced write transaction.</summary>
    private static void CheckFence(SqliteConnection c, SqliteTransaction tx, WriteFence fence)
    {
        var lease = ReadLease(c, tx);
        if (lease.Holder is null || lease.Epoch != fence.Epoch) throw new StaleFenceException(fence, lease.Epoch, lease.Holder);
    }

    // ------------------------------------------------------------------ messages

    public Task<IReadOnlyList<AppendOutcome>> AppendAsync(IReadOnlyList<StoredMessage> batch, WriteFence fence, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        foreach (var message in batch)
        {
            ArgumentNullException.ThrowIfNull(message, nameof(batch));
            message.Validate();
        }

        return WriteAsync<IReadOnlyList<AppendOutcome>>(fence, (c, tx) => AppendInTransaction(c, tx, batch), ct);
    }

    private static AppendOutcome[] AppendInTransaction(SqliteConnection c, SqliteTransaction tx, IReadOnlyList<StoredMessage> batch)
    {
        var outcomes = new AppendOutcome[batch.Count];
        var hosts = new Dictionary<string, HostDelta>(StringComparer.Ordinal);

        using var readMark = Command(c, tx, "SELECT high_water_mark FROM hosts WHERE host_id = $h");
        var markHost = readMark.Parameters.Add("$h", SqliteType.Text);

        using var insert = Command(c, tx, """
            INSERT INTO alerts (host_id, sequence, kind, received_at, sent_at, rule_id, metric, severity, state, value, threshold, summary)
            VALUES ($h, $seq, $kind, $recv, $sent, $rule, $metric, $sev, $state, $value, $threshold, $summary)
            ON CONFLICT (host_id, sequence) DO NOTHING
            """);
        var pHost = insert.Parameters.Add("$h", SqliteType.Text);
        var pSeq = insert.Parameters.Add("$seq", SqliteType.Integer);
        var pKind = insert.Parameters.Add("$kind", SqliteType.Text);
        var pRecv = insert.Parameters.Add("$recv", SqliteType.Integer);
        var pSent = insert.Parameters.Add("$sent", SqliteType.Integer);
        var pRule = insert.Parameters.Add("$rule", SqliteType.Text);
        var pMetric = insert.Parameters.Add("$metric", SqliteType.Text);
        var pSev = insert.Parameters.Add("$sev", SqliteType.Text);
        var pState = insert.Parameters.Add("$state", SqliteType.Text);
        var pValue = insert.Parameters.Add("$value", SqliteType.Real);
        var pThreshold = insert.Parameters.Add("$threshold", SqliteType.Real);
        var pSummary = insert.Parameters.Add("$summary", SqliteType.Text);

        for (var i = 0; i < batch.Count; i++)
        {
            var m = batch[i];
            if (!hosts.TryGetValue(m.HostId, out var host))
            {
                markHost.Value = m.HostId;
                host = new HostDelta(readMark.ExecuteScalar() is long mark ? mark : 0);
                hosts.Add(m.HostId, host);
            }

            var sequence = (long)m.Sequence;
            if (sequence <= host.Mark)
            {
                outcomes[i] = AppendOutcome.Duplicate;
                continue;
            }

            if (m.Alert is { } a)
            {
                pHost.Value = m.HostId;
                pSeq.Value = sequence;
                pKind.Value = ToText(m.Kind);
                pRecv.Value = ToMicros(m.ReceivedAt);
                pSent.Value = ToMicros(m.SentAt);
                pRule.Value = a.RuleId;
                pMetric.Value = a.Metric;
                pSev.Value = ToText(a.Severity);
                pState.Value = ToText(a.State);
                pValue.Value = a.Value;
                pThreshold.Value = a.Threshold;
                pSummary.Value = a.Summary;
                if (insert.ExecuteNonQuery() == 0)
                {
                    outcomes[i] = AppendOutcome.Duplicate; // the unique constraint caught what the mark did not
                    continue;
                }
            }

            host.Accept(sequence, ToMicros(m.ReceivedAt), m.Kind == MessageKind.Heartbeat);
            outcomes[i] = AppendOutcome.Stored;
        }

        using var upsert = Command(c, tx, """
            INSERT INTO hosts (host_id, first_seen, last_seen, last_heartbeat, high_water_mark)
            VALUES ($h, $first, $last, $hb, $mark)
            ON CONFLICT (host_id) DO UPDATE SET
                last_seen       = max(last_seen, excluded.last_seen),
                last_heartbeat  = max(coalesce(last_heartbeat, excluded.last_heartbeat), coalesce(excluded.last_heartbeat, last_heartbeat)),
                high_water_mark = max(high_water_mark, excluded.high_water_mark)
            """);
        var uHost = upsert.Parameters.Add("$h", SqliteType.Text);
        var uFirst = upsert.Parameters.Add("$first", SqliteType.Integer);
        var uLast = upsert.Parameters.Add("$last", SqliteType.Integer);
        var uHeartbeat = upsert.Parameters.Add("$hb", SqliteType.Integer);
        var uMark = upsert.Parameters.Add("$mark", SqliteType.Integer);
        foreach (var (hostId, host) in hosts)
        {
            if (!host.Accepted) continue;
            uHost.Value = hostId;
            uFirst.Value = host.FirstSeen;
            uLast.Value = host.LastSeen;
            uHeartbeat.Value = host.LastHeartbeat is { } hb ? hb : DBNull.Value;
            uMark.Value = host.Mark;
            upsert.ExecuteNonQuery();
        }

        return outcomes;
    }

    /// <summary>What one batch does to one host.</summary>
    private sealed class HostDelta(long mark)
    {
        public long Mark { get; private set; } = mark;
        public bool Accepted { get; private set; }
        public long FirstSeen { get; private set; } = long.MaxValue;
        public long LastSeen { get; private set; } = long.MinValue;
        public long? LastHeartbeat { get; private set; }

        public void Accept(long sequence, long receivedAt, bool heartbeat)
        {
            Accepted = true;
            Mark = Math.Max(Mark, sequence);
            FirstSeen = Math.Min(FirstSeen, receivedAt);
            LastSeen = Math.Max(LastSeen, receivedAt);
            if (heartbeat) LastHeartbeat = Math.Max(LastHeartbeat ?? long.MinValue, receivedAt);
        }
    }

    public Task<IReadOnlyDictionary<string, ulong>> GetHighWaterMarksAsync(CancellationToken ct = default) =>
        ReadAsync<IReadOnlyDictionary<string, ulong>>(c =>
        {
            using var cmd = Command(c, null, "SELECT host_id, high_water_mark FROM hosts");
            using var r = cmd.ExecuteReader();
            var marks = new Dictionary<string, ulong>(StringComparer.Ordinal);
            while (r.Read()) marks.Add(r.GetString(0), (ulong)r.GetInt64(1));
            return marks;
        }, ct);

    public Task<ulong> GetHighWaterMarkAsync(string hostId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(hostId);
        return ReadAsync(c =>
        {
            using var cmd = Command(c, null, "SELECT high_water_mark FROM hosts WHERE host_id = $h", ("$h", hostId));
            return cmd.ExecuteScalar() is long mark ? (ulong)mark : 0UL;
        }, ct);
    }

    // ------------------------------------------------------------------ queries and retention

    public Task<IReadOnlyList<AlertRecord>> ListAlertsAsync(AlertQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Limit, AlertQuery.MaxLimit);
        return ReadAsync<IReadOnlyList<AlertRecord>>(c =>
        {
            using var cmd = Command(c, null, """
                SELECT host_id, sequence, kind, received_at, sent_at, rule_id, metric, severity, state, value, threshold, summary
                FROM alerts
                WHERE ($h IS NULL OR host_id = $h)
                  AND ($since IS NULL OR received_at >= $since)
                  AND ($sev IS NULL OR severity = $sev)
                ORDER BY received_at DESC, id DESC
                LIMIT $limit
                """,
                ("$h", query.Host),
                ("$since", query.Since is { } s ? ToMicros(s) : null),
                ("$sev", query.Severity is { } sev ? ToText(sev) : null),
                ("$limit", query.Limit));
            using var r = cmd.ExecuteReader();
            var list = new List<AlertRecord>();
            while (r.Read())
            {
                list.Add(new AlertRecord(
                    r.GetString(0), (ulong)r.GetInt64(1), ParseKind(r.GetString(2)), FromMicros(r.GetInt64(3)), FromMicros(r.GetInt64(4)),
                    new AlertDetails(r.GetString(5), r.GetString(6), ParseSeverity(r.GetString(7)), ParseAlertState(r.GetString(8)),
                        r.GetDouble(9), r.GetDouble(10), r.GetString(11))));
            }

            return list;
        }, ct);
    }

    public Task<IReadOnlyList<HostRecord>> ListHostsAsync(CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<HostRecord>>(c =>
        {
            using var cmd = Command(c, null, "SELECT host_id, first_seen, last_seen, last_heartbeat, high_water_mark FROM hosts ORDER BY host_id");
            using var r = cmd.ExecuteReader();
            var list = new List<HostRecord>();
            while (r.Read())
            {
                list.Add(new HostRecord(r.GetString(0), FromMicros(r.GetInt64(1)), FromMicros(r.GetInt64(2)),
                    r.IsDBNull(3) ? null : FromMicros(r.GetInt64(3)), (ulong)r.GetInt64(4)));
            }

            return list;
        }, ct);

    public async Task<int> PruneAlertsAsync(DateTimeOffset olderThan, WriteFence fence, CancellationToken ct = default)
    {
        var cutoff = ToMicros(olderThan);
        var total = 0;
        while (true)
        {
            // One bounded, fenced transaction per round: appends interleave between rounds.
            var deleted = await WriteAsync(fence, (c, tx) => Execute(c, tx, """
                DELETE FROM alerts WHERE id IN (
                    SELECT id FROM alerts WHERE received_at < $cutoff ORDER BY received_at LIMIT $n)
                """, ("$cutoff", cutoff), ("$n", _options.PruneBatchSize)), ct).ConfigureAwait(false);
            total += deleted;
            if (deleted < _options.PruneBatchSize) return total;
        }
    }

    // ------------------------------------------------------------------ incidents

    public Task<long> UpsertIncidentAsync(IncidentRecord incident, WriteFence fence, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentException.ThrowIfNullOrEmpty(incident.Id);
        ArgumentOutOfRangeException.ThrowIfNegative(incident.Version);
        ArgumentOutOfRangeException.ThrowIfNegative(incident.AlertCount);
        ArgumentNullException.ThrowIfNull(incident.Kinds);
        ArgumentNullException.ThrowIfNull(incident.Hosts);
        ArgumentNullException.ThrowIfNull(incident.Metrics);
        ArgumentNullException.ThrowIfNull(incident.Evidence);
        (string, object?)[] values =
        [
            ("$id", incident.Id),
            ("$state", ToText(incident.State)),
            ("$kinds", ToJson(incident.Kinds)),
            ("$opened", ToMicros(incident.OpenedAt)),
            ("$evidenceAt", ToMicros(incident.LastEvidenceAt)),
            ("$resolved", incident.ResolvedAt is { } r ? ToMicros(r) : null),
            ("$ackBy", incident.AcknowledgedBy),
            ("$ackAt", incident.AcknowledgedAt is { } a ? ToMicros(a) : null),
            ("$ackNote", incident.AcknowledgementNote),
            ("$hosts", ToJson(incident.Hosts)),
            ("$metrics", ToJson(incident.Metrics)),
            ("$evidence", ToJson(incident.Evidence)),
            ("$count", incident.AlertCount),
            ("$version", incident.Version + 1),
            ("$expected", incident.Version),
            ("$epoch", fence.Epoch),
        ];
        return WriteAsync(fence, (c, tx) =>
        {
            var stored = Scalar<long?>(c, tx, "SELECT version FROM incidents WHERE id = $id", ("$id", incident.Id));
            if (stored != (incident.Version == 0 ? null : incident.Version))
                throw new IncidentVersionConflictException(incident.Id, incident.Version, stored);

            Execute(c, tx, incident.Version == 0
                ? """
                  INSERT INTO incidents (id, state, kinds, opened_at, last_evidence_at, resolved_at, acknowledged_by, acknowledged_at,
                      acknowledgement_note, hosts, metrics, evidence, alert_count, version, written_epoch)
                  VALUES ($id, $state, $kinds, $opened, $evidenceAt, $resolved, $ackBy, $ackAt, $ackNote, $hosts, $metrics, $evidence,
                      $count, $version, $epoch)
                  """
                : """
                  UPDATE incidents SET state = $state, kinds = $kinds, opened_at = $opened, last_evidence_at = $evidenceAt,
                      resolved_at = $resolved, acknowledged_by = $ackBy, acknowledged_at = $ackAt, acknowledgement_note = $ackNote,
                      hosts = $hosts, metrics = $metrics, evidence = $evidence, alert_count = $count, version = $version,
                      written_epoch = $epoch
                  WHERE id = $id AND version = $expected
                  """, values);
            return incident.Version + 1;
        }, ct);
    }

    private const string IncidentColumns = """
        id, state, kinds, opened_at, last_evidence_at, resolved_at, acknowledged_by, acknowledged_at, acknowledgement_note,
        hosts, metrics, evidence, alert_count, version
        """;

    public Task<IReadOnlyList<IncidentRecord>> ListIncidentsAsync(bool openOnly, CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<IncidentRecord>>(c =>
        {
            using var cmd = Command(c, null, $"""
                SELECT {IncidentColumns} FROM incidents
                WHERE $all OR state <> 'resolved'
                ORDER BY opened_at DESC, id
                """, ("$all", !openOnly));
            using var r = cmd.ExecuteReader();
            var list = new List<IncidentRecord>();
            while (r.Read()) list.Add(ReadIncident(r));
            return list;
        }, ct);

    public Task<IncidentRecord?> GetIncidentAsync(string id, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return ReadAsync(c =>
        {
            using var cmd = Command(c, null, $"SELECT {IncidentColumns} FROM incidents WHERE id = $id", ("$id", id));
            using var r = cmd.ExecuteReader();
            return r.Read() ? ReadIncident(r) : null;
        }, ct);
    }

    private static IncidentRecord ReadIncident(SqliteDataReader r)
    {
        var id = r.GetString(0);
        return new IncidentRecord(
            id,
            ParseIncidentState(r.GetString(1)),
            ParseStrings(r.GetString(2), $"kinds of incident '{id}'"),
            FromMicros(r.GetInt64(3)),
            FromMicros(r.GetInt64(4)),
            r.IsDBNull(5) ? null : FromMicros(r.GetInt64(5)),
            r.IsDBNull(6) ? null : r.GetString(6),
            r.IsDBNull(7) ? null : FromMicros(r.GetInt64(7)),
            r.IsDBNull(8) ? null : r.GetString(8),
            ParseStrings(r.GetString(9), $"hosts of incident '{id}'"),
            ParseStrings(r.GetString(10), $"metrics of incident '{id}'"),
            ParseEvidence(r.GetString(11), $"evidence of incident '{id}'"),
            checked((int)r.GetInt64(12)),
            r.GetInt64(13));
    }

    // ------------------------------------------------------------------ audit

    public Task<long> AppendAuditAsync(AuditRecord record, WriteFence? fence, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(record.Subject);
        ArgumentException.ThrowIfNullOrEmpty(record.Command);
        ArgumentNullException.ThrowIfNull(record.Role);
        ArgumentNullException.ThrowIfNull(record.Arguments);
        ArgumentNullException.ThrowIfNull(record.Result);
        return WriteAsync(fence, (c, tx) => Scalar<long>(c, tx, """
            INSERT INTO audit_log (at, subject, role, command, arguments, result, success, epoch)
            VALUES ($at, $subject, $role, $command, $args, $result, $success, $epoch)
            RETURNING id
            """,
            ("$at", ToMicros(record.At)), ("$subject", record.Subject), ("$role", record.Role), ("$command", record.Command),
            ("$args", record.Arguments), ("$result", record.Result), ("$success", record.Success ? 1 : 0), ("$epoch", fence?.Epoch)), ct);
    }

    public Task<IReadOnlyList<AuditEntry>> ListAuditAsync(DateTimeOffset? since, int limit, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, AlertQuery.MaxLimit);
        return ReadAsync<IReadOnlyList<AuditEntry>>(c =>
        {
            using var cmd = Command(c, null, """
                SELECT id, epoch, at, subject, role, command, arguments, result, success FROM audit_log
                WHERE $since IS NULL OR at >= $since
                ORDER BY id DESC
                LIMIT $limit
                """, ("$since", since is { } s ? ToMicros(s) : null), ("$limit", limit));
            using var r = cmd.ExecuteReader();
            var list = new List<AuditEntry>();
            while (r.Read())
            {
                list.Add(new AuditEntry(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetInt64(1), new AuditRecord(
                    FromMicros(r.GetInt64(2)), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetString(7),
                    r.GetInt64(8) switch { 0 => false, 1 => true, var v => throw new StoredDataException($"Audit entry success is {v}.") })));
            }

            return list;
        }, ct);
    }

    // ------------------------------------------------------------------ membership

    public Task UpsertMemberAsync(string nodeId, string endpoint, DateTimeOffset heartbeatAt, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        return WriteAsync(null, (c, tx) => Execute(c, tx, """
            INSERT INTO members (node_id, endpoint, joined_at, heartbeat_at) VALUES ($n, $e, $at, $at)
            ON CONFLICT (node_id) DO UPDATE SET endpoint = excluded.endpoint, heartbeat_at = excluded.heartbeat_at
            """, ("$n", nodeId), ("$e", endpoint), ("$at", ToMicros(heartbeatAt))), ct);
    }

    public Task<IReadOnlyList<MemberRecord>> ListMembersAsync(CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<MemberRecord>>(c =>
        {
            using var cmd = Command(c, null, "SELECT node_id, endpoint, joined_at, heartbeat_at FROM members ORDER BY node_id");
            using var r = cmd.ExecuteReader();
            var list = new List<MemberRecord>();
            while (r.Read()) list.Add(new MemberRecord(r.GetString(0), r.GetString(1), FromMicros(r.GetInt64(2)), FromMicros(r.GetInt64(3))));
            return list;
        }, ct);

    // ------------------------------------------------------------------ plumbing

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;

        // Let writes and reads in flight finish, then close every connection.
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            _writer?.Dispose();
            _writer = null;
        }
        finally
        {
            _writeLock.Release();
        }

        for (var i = 0; i < _options.ReadConnections; i++) await _readSlots.WaitAsync().ConfigureAwait(false);
        while (_idleReaders.TryTake(out var reader)) reader.Dispose();
        _readSlots.Release(_options.ReadConnections);
    }

    /// <summary>A pragma's value as the writer connection sees it (tests check durability settings).</summary>
    internal async Task<string?> ReadWriterPragmaAsync(string name)
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            var writer = _writer ?? throw new InvalidOperationException("The writer connection is closed.");
            return Convert.ToString(Scalar<object>(writer, null, $"PRAGMA {name}"), System.Globalization.CultureInfo.InvariantCulture);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void ThrowIfUnusable(bool requireMigrated)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (requireMigrated && !_migrated) throw new InvalidOperationException("Call MigrateAsync before using the monitor store.");
    }

    /// <summary>Runs <paramref name="work"/> in one IMMEDIATE transaction on the writer, after the fence check; returns once committed (durable).</summary>
    private async Task<T> WriteAsync<T>(WriteFence? fence, Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken ct)
    {
        ThrowIfUnusable(requireMigrated: true);
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var writer = _writer ?? throw new InvalidOperationException("The writer connection is closed.");
            using var tx = writer.BeginTransaction(deferred: false);
            if (fence is { } f) CheckFence(writer, tx, f);
            var result = work(writer, tx);
            tx.Commit();
            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task<T> ReadAsync<T>(Func<SqliteConnection, T> work, CancellationToken ct, bool requireMigrated = true)
    {
        ThrowIfUnusable(requireMigrated);
        await _readSlots.WaitAsync(ct).ConfigureAwait(false);
        SqliteConnection? connection = null;
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_idleReaders.TryTake(out connection)) connection = OpenReader();
            return work(connection);
        }
        finally
        {
            if (connection is not null) _idleReaders.Add(connection);
            _readSlots.Release();
        }
    }

    private SqliteConnection OpenWriter()
    {
        var c = new SqliteConnection(_connectionString);
        try
        {
            c.Open();
            var mode = Scalar<string>(c, null, "PRAGMA journal_mode = WAL");
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"SQLite refused WAL mode for {DatabasePath} (journal_mode is '{mode}').");
            // FULL, not NORMAL: in WAL mode NORMAL may lose the last commits on power loss, and those are
            // acknowledged alerts. Group commit pays for the fsync (see the class remarks).
            Execute(c, null, $"PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {(int)_options.BusyTimeout.TotalMilliseconds}");
            return c;
        }
        catch
        {
            c.Dispose();
            throw;
        }
    }

    private SqliteConnection OpenReader()
    {
        var c = new SqliteConnection(_connectionString);
        try
        {
            c.Open();
            Execute(c, null, $"PRAGMA query_only = ON; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {(int)_options.BusyTimeout.TotalMilliseconds}");
            return c;
        }
        catch
        {
            c.Dispose();
            throw;
        }
    }

    private static SqliteCommand Command(SqliteConnection c, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return cmd;
    }

    private static int Execute(SqliteConnection c, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        using var cmd = Command(c, tx, sql, parameters);
        return cmd.ExecuteNonQuery();
    }

    private static T Scalar<T>(SqliteConnection c, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        using var cmd = Command(c, tx, sql, parameters);
        var value = cmd.ExecuteScalar();
        return value is null or DBNull ? default! : (T)value;
    }
}
