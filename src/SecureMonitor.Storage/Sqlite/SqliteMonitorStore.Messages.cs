using Microsoft.Data.Sqlite;
using static SecureMonitor.Storage.StoredValues;

namespace SecureMonitor.Storage.Sqlite;

public sealed partial class SqliteMonitorStore
{
    // ------------------------------------------------------------------ messages

    public Task<IReadOnlyList<AppendOutcome>> AppendAsync(IReadOnlyList<StoredMessage> batch, WriteFence fence, CancellationToken ct = default)
    {
        StoreArguments.ValidateBatch(batch);

        return WriteAsync<IReadOnlyList<AppendOutcome>>(fence, (c, tx) => AppendInTransaction(c, tx, batch), ct);
    }

    private AppendOutcome[] AppendInTransaction(SqliteConnection c, SqliteTransaction tx, IReadOnlyList<StoredMessage> batch)
    {
        var outcomes = new AppendOutcome[batch.Count];
        var hosts = new Dictionary<string, HostDelta>(StringComparer.Ordinal);

        var statements = _appendStatements ??= new SqliteAppendStatements(c);
        for (var i = 0; i < batch.Count; i++)
        {
            var m = batch[i];
            if (!hosts.TryGetValue(m.HostId, out var host))
            {
                host = new HostDelta(statements.ReadMark(m.HostId));
                hosts.Add(m.HostId, host);
            }

            var sequence = (long)m.Sequence;
            if (sequence <= host.Mark)
            {
                outcomes[i] = AppendOutcome.Duplicate;
                continue;
            }

            if (m.Alert is { } a && !statements.InsertAlert(m, a))
            {
                outcomes[i] = AppendOutcome.Duplicate; // the unique constraint caught what the mark did not
                continue;
            }

            host.Accept(sequence, ToMicros(m.ReceivedAt), m.Kind == MessageKind.Heartbeat);
            outcomes[i] = AppendOutcome.Stored;
        }

        foreach (var (hostId, host) in hosts)
        {
            if (host.Accepted)
            {
                statements.UpsertHost(hostId, host.FirstSeen, host.LastSeen, host.LastHeartbeat, host.Mark);
            }
        }

        return outcomes;
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
        StoreArguments.ValidateLimit(query.Limit);
        return ReadAsync<IReadOnlyList<AlertRecord>>(c =>
        {
            // The watchers' alerts and the monitor's own, one list; the monitor's sort after a watcher's
            // alert received in the same microsecond.
            using var cmd = Command(c, null, """
                SELECT host_id, sequence, kind, received_at, sent_at, rule_id, metric, severity, state, value, threshold, summary,
                       1 AS origin, id
                FROM alerts
                WHERE ($h IS NULL OR host_id = $h)
                  AND ($since IS NULL OR received_at >= $since)
                  AND ($sev IS NULL OR severity = $sev)
                  AND ($metric IS NULL OR metric = $metric)
                  AND ($origin IS NULL OR $origin = 1)
                UNION ALL
                SELECT subject, 0, CASE state WHEN 'resolved' THEN 'resolution' ELSE 'alert' END, raised_at, raised_at,
                       rule_id, metric, severity, state, value, threshold, summary, 2 AS origin, id
                FROM raised_alerts
                WHERE ($h IS NULL OR subject = $h)
                  AND ($since IS NULL OR raised_at >= $since)
                  AND ($sev IS NULL OR severity = $sev)
                  AND ($metric IS NULL OR metric = $metric)
                  AND ($origin IS NULL OR $origin = 2)
                ORDER BY received_at DESC, origin DESC, id DESC
                LIMIT $limit
                """,
                ("$h", query.Host),
                ("$since", query.Since is { } s ? ToMicros(s) : null),
                ("$sev", query.Severity is { } sev ? ToText(sev) : null),
                ("$metric", query.Metric),
                ("$origin", query.Origin is { } origin ? (int)origin : null),
                ("$limit", query.Limit));
            using var r = cmd.ExecuteReader();
            var list = new List<AlertRecord>();
            while (r.Read())
            {
                list.Add(new AlertRecord(
                    r.GetString(0), (ulong)r.GetInt64(1), ParseKind(r.GetString(2)), FromMicros(r.GetInt64(3)), FromMicros(r.GetInt64(4)),
                    new AlertDetails(r.GetString(5), r.GetString(6), ParseSeverity(r.GetString(7)), ParseAlertState(r.GetString(8)),
                        r.GetDouble(9), r.GetDouble(10), r.GetString(11)),
                    (AlertOrigin)r.GetInt64(12)));
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
        return await PruneAsync("DELETE FROM alerts WHERE id IN (SELECT id FROM alerts WHERE received_at < $cutoff ORDER BY received_at LIMIT $n)",
                cutoff, fence, ct).ConfigureAwait(false)
            + await PruneAsync("DELETE FROM raised_alerts WHERE id IN (SELECT id FROM raised_alerts WHERE raised_at < $cutoff ORDER BY raised_at LIMIT $n)",
                cutoff, fence, ct).ConfigureAwait(false);
    }

    private async Task<int> PruneAsync(string deleteBatch, long cutoff, WriteFence fence, CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            // One bounded, fenced transaction per round: appends interleave between rounds.
            var deleted = await WriteAsync(fence, (c, tx) => Execute(c, tx, deleteBatch, ("$cutoff", cutoff), ("$n", _options.PruneBatchSize)), ct)
                .ConfigureAwait(false);
            total += deleted;
            if (deleted < _options.PruneBatchSize) return total;
        }
    }
}
