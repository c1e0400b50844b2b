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
}
