using System.Text;
using Npgsql;
using static SecureMonitor.Storage.StoredValues;

namespace SecureMonitor.Storage.Postgres;

public sealed partial class PostgresMonitorStore
{
    // ------------------------------------------------------------------ messages

    public Task<IReadOnlyList<AppendOutcome>> AppendAsync(IReadOnlyList<StoredMessage> batch, WriteFence fence, CancellationToken ct = default)
    {
        StoreArguments.ValidateBatch(batch);

        return WriteAsync<IReadOnlyList<AppendOutcome>>(fence, (c, tx, ct) => AppendInTransactionAsync(c, tx, batch, ct), ct);
    }

    /// <summary>
    /// One batch in four statements, whatever its size: lock the batch's known hosts and read their marks;
    /// decide each message against the marks in batch order; insert the alert rows in one multi-row
    /// INSERT from arrays (the unique key catches what the marks could not, e.g. a new host appended
    /// concurrently); upsert the hosts that accepted something, marks only ever rising.
    /// </summary>
    private static async Task<IReadOnlyList<AppendOutcome>> AppendInTransactionAsync(
        NpgsqlConnection c, NpgsqlTransaction tx, IReadOnlyList<StoredMessage> batch, CancellationToken ct)
    {
        var outcomes = new AppendOutcome[batch.Count];
        if (batch.Count == 0) return outcomes;

        var plan = new AppendPlan(batch, await ReadMarksForUpdateAsync(c, tx, batch, ct).ConfigureAwait(false));
        var rows = plan.AlertRows;
        HashSet<(string Host, long Sequence)> inserted = rows.Count == 0
            ? []
            : await InsertAlertsAsync(c, tx, rows.Select(i => batch[i]).ToArray(), ct).ConfigureAwait(false);

        var hosts = new SortedDictionary<string, HostDelta>(StringComparer.Ordinal);
        for (var i = 0; i < batch.Count; i++)
        {
            var m = batch[i];
            var accepted = plan.IsCandidate(i) && (m.Alert is null || inserted.Contains((m.HostId, (long)m.Sequence)));
            outcomes[i] = accepted ? AppendOutcome.Stored : AppendOutcome.Duplicate;
            if (!accepted) continue;
            if (!hosts.TryGetValue(m.HostId, out var host)) hosts.Add(m.HostId, host = new HostDelta(0));
            host.Accept((long)m.Sequence, ToMicros(m.ReceivedAt), m.Kind == MessageKind.Heartbeat);
        }

        if (hosts.Count > 0) await UpsertHostsAsync(c, tx, hosts, ct).ConfigureAwait(false);
        return outcomes;
    }

    /// <summary>The marks of the batch's hosts that exist, their rows locked in host order (no deadlocks between appends).</summary>
    private static async Task<Dictionary<string, long>> ReadMarksForUpdateAsync(NpgsqlConnection c, NpgsqlTransaction tx, IReadOnlyList<StoredMessage> batch, CancellationToken ct)
    {
        var ids = batch.Select(m => m.HostId).Distinct(StringComparer.Ordinal).ToArray();
        await using var command = Command(c, tx, """
            SELECT host_id, high_water_mark FROM hosts WHERE host_id = ANY (@ids) ORDER BY host_id COLLATE "C" FOR UPDATE
            """, ("ids", ids));
        await using var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var marks = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await r.ReadAsync(ct).ConfigureAwait(false)) marks.Add(r.GetString(0), r.GetInt64(1));
        return marks;
    }

    private static async Task<HashSet<(string Host, long Sequence)>> InsertAlertsAsync(NpgsqlConnection c, NpgsqlTransaction tx, StoredMessage[] alerts, CancellationToken ct)
    {
        // Inserted in (host, sequence) order, so two appends that overlap wait for each other instead of deadlocking.
        Array.Sort(alerts, (a, b) => string.CompareOrdinal(a.HostId, b.HostId) is var byHost and not 0 ? byHost : a.Sequence.CompareTo(b.Sequence));
        await using var command = Command(c, tx, """
            INSERT INTO alerts (host_id, sequence, kind, received_at, sent_at, rule_id, metric, severity, state, value, threshold, summary)
            SELECT * FROM unnest(@h::text[], @seq::bigint[], @kind::text[], @recv::timestamptz[], @sent::timestamptz[], @rule::text[],
                @metric::text[], @sev::text[], @state::text[], @value::float8[], @threshold::float8[], @summary::text[])
            ON CONFLICT (host_id, sequence) DO NOTHING
            RETURNING host_id, sequence
            """,
            ("h", alerts.Select(m => m.HostId).ToArray()),
            ("seq", alerts.Select(m => (long)m.Sequence).ToArray()),
            ("kind", alerts.Select(m => ToText(m.Kind)).ToArray()),
            ("recv", alerts.Select(m => Utc(m.ReceivedAt)).ToArray()),
            ("sent", alerts.Select(m => Utc(m.SentAt)).ToArray()),
            ("rule", alerts.Select(m => m.Alert!.RuleId).ToArray()),
            ("metric", alerts.Select(m => m.Alert!.Metric).ToArray()),
            ("sev", alerts.Select(m => ToText(m.Alert!.Severity)).ToArray()),
            ("state", alerts.Select(m => ToText(m.Alert!.State)).ToArray()),
            ("value", alerts.Select(m => m.Alert!.Value).ToArray()),
            ("threshold", alerts.Select(m => m.Alert!.Threshold).ToArray()),
            ("summary", alerts.Select(m => m.Alert!.Summary).ToArray()));
        await using var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var inserted = new HashSet<(string, long)>();
        while (await r.ReadAsync(ct).ConfigureAwait(false)) inserted.Add((r.GetString(0), r.GetInt64(1)));
        return inserted;
    }

    private static async Task UpsertHostsAsync(NpgsqlConnection c, NpgsqlTransaction tx, SortedDictionary<string, HostDelta> hosts, CancellationToken ct)
    {
        // GREATEST ignores NULLs, so a batch without heartbeats keeps the stored last heartbeat.
        await ExecuteAsync(c, tx, """
            INSERT INTO hosts (host_id, first_seen, last_seen, last_heartbeat, high_water_mark)
            SELECT * FROM unnest(@h::text[], @first::timestamptz[], @last::timestamptz[], @hb::timestamptz[], @mark::bigint[])
            ON CONFLICT (host_id) DO UPDATE SET
                last_seen       = greatest(hosts.last_seen, excluded.last_seen),
                last_heartbeat  = greatest(hosts.last_heartbeat, excluded.last_heartbeat),
                high_water_mark = greatest(hosts.high_water_mark, excluded.high_water_mark)
            """, ct,
            ("h", hosts.Keys.ToArray()),
            ("first", hosts.Values.Select(h => Utc(FromMicros(h.FirstSeen))).ToArray()),
            ("last", hosts.Values.Select(h => Utc(FromMicros(h.LastSeen))).ToArray()),
            ("hb", hosts.Values.Select(h => h.LastHeartbeat is { } hb ? Utc(FromMicros(hb)) : (DateTime?)null).ToArray()),
            ("mark", hosts.Values.Select(h => h.Mark).ToArray())).ConfigureAwait(false);
    }

    public async Task<IReadOnlyDictionary<string, ulong>> GetHighWaterMarksAsync(CancellationToken ct = default) =>
        (await QueryAsync("SELECT host_id, high_water_mark FROM hosts", r => (Host: r.GetString(0), Mark: (ulong)r.GetInt64(1)), ct).ConfigureAwait(false))
        .ToDictionary(x => x.Host, x => x.Mark, StringComparer.Ordinal);

    public async Task<ulong> GetHighWaterMarkAsync(string hostId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(hostId);
        var marks = await QueryAsync("SELECT high_water_mark FROM hosts WHERE host_id = @h", r => (ulong)r.GetInt64(0), ct, ("h", hostId)).ConfigureAwait(false);
        return marks.Count == 0 ? 0UL : marks[0];
    }

    // ------------------------------------------------------------------ queries and retention

    public async Task<IReadOnlyList<AlertRecord>> ListAlertsAsync(AlertQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        StoreArguments.ValidateLimit(query.Limit);
        // Only the filters given become conditions, so the planner can use the (host, time) and time indexes.
        // The watchers' alerts and the monitor's own, one list; the monitor's sort after a watcher's alert
        // received in the same microsecond.
        var alerts = new StringBuilder("""
            SELECT host_id, sequence, kind, received_at, sent_at, rule_id, metric, severity, state, value, threshold, summary,
                   1 AS origin, id
            FROM alerts WHERE true
            """);
        var raised = new StringBuilder("""
            SELECT subject, 0::bigint, CASE state WHEN 'resolved' THEN 'resolution' ELSE 'alert' END, raised_at, raised_at,
                   rule_id, metric, severity, state, value, threshold, summary, 2 AS origin, id
            FROM raised_alerts WHERE true
            """);
        var parameters = new List<(string, object?)> { ("limit", query.Limit) };
        if (query.Host is { } host)
        {
            alerts.Append(" AND host_id = @h");
            raised.Append(" AND subject = @h");
            parameters.Add(("h", host));
        }

        if (query.Since is { } since)
        {
            alerts.Append(" AND received_at >= @since");
            raised.Append(" AND raised_at >= @since");
            parameters.Add(("since", Utc(since)));
        }

        if (query.Severity is { } severity)
        {
            alerts.Append(" AND severity = @sev");
            raised.Append(" AND severity = @sev");
            parameters.Add(("sev", ToText(severity)));
        }

        if (query.Metric is { } metric)
        {
            alerts.Append(" AND metric = @metric");
            raised.Append(" AND metric = @metric");
            parameters.Add(("metric", metric));
        }

        var sql = query.Origin switch
        {
            AlertOrigin.Watcher => $"{alerts} ORDER BY received_at DESC, id DESC LIMIT @limit",
            AlertOrigin.Monitor => $"{raised} ORDER BY raised_at DESC, id DESC LIMIT @limit",
            _ => $"({alerts} ORDER BY received_at DESC, id DESC LIMIT @limit) UNION ALL ({raised} ORDER BY raised_at DESC, id DESC LIMIT @limit) "
                + "ORDER BY received_at DESC, origin DESC, id DESC LIMIT @limit",
        };
        return await QueryAsync(sql, r => new AlertRecord(
            r.GetString(0), (ulong)r.GetInt64(1), ParseKind(r.GetString(2)), ReadTime(r, 3), ReadTime(r, 4),
            new AlertDetails(r.GetString(5), r.GetString(6), ParseSeverity(r.GetString(7)), ParseAlertState(r.GetString(8)),
                r.GetDouble(9), r.GetDouble(10), r.GetString(11)),
            (AlertOrigin)r.GetInt32(12)), ct, [.. parameters]).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<HostRecord>> ListHostsAsync(CancellationToken ct = default) =>
        await QueryAsync("""
            SELECT host_id, first_seen, last_seen, last_heartbeat, high_water_mark FROM hosts ORDER BY host_id COLLATE "C"
            """, r => new HostRecord(r.GetString(0), ReadTime(r, 1), ReadTime(r, 2), ReadOptionalTime(r, 3), (ulong)r.GetInt64(4)), ct)
            .ConfigureAwait(false);

    public async Task<int> PruneAlertsAsync(DateTimeOffset olderThan, WriteFence fence, CancellationToken ct = default)
    {
        var cutoff = Utc(olderThan);
        return await PruneAsync("DELETE FROM alerts WHERE id IN (SELECT id FROM alerts WHERE received_at < @cutoff ORDER BY received_at LIMIT @n)",
                cutoff, fence, ct).ConfigureAwait(false)
            + await PruneAsync("DELETE FROM raised_alerts WHERE id IN (SELECT id FROM raised_alerts WHERE raised_at < @cutoff ORDER BY raised_at LIMIT @n)",
                cutoff, fence, ct).ConfigureAwait(false);
    }

    private async Task<int> PruneAsync(string deleteBatch, DateTime cutoff, WriteFence fence, CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            // One bounded, fenced transaction per round: appends and grants interleave between rounds.
            var deleted = await WriteAsync(fence, (c, tx, ct) => ExecuteAsync(c, tx, deleteBatch, ct, ("cutoff", cutoff), ("n", _options.PruneBatchSize)), ct)
                .ConfigureAwait(false);
            total += deleted;
            if (deleted < _options.PruneBatchSize) return total;
        }
    }
}
