using static SecureMonitor.Storage.StoredValues;

namespace SecureMonitor.Storage.Postgres;

public sealed partial class PostgresMonitorStore
{
    // ------------------------------------------------------------------ alerts the monitor raises

    public Task AppendRaisedAlertAsync(RaisedAlert alert, WriteFence fence, CancellationToken ct = default)
    {
        StoreArguments.ValidateRaisedAlert(alert);
        var details = alert.Alert;
        return WriteAsync(fence, async (c, tx, ct) => await ExecuteAsync(c, tx, """
            INSERT INTO raised_alerts (subject, raised_at, rule_id, metric, severity, state, value, threshold, summary, written_epoch)
            VALUES (@subject, @at, @rule, @metric, @severity, @state, @value, @threshold, @summary, @epoch)
            """, ct,
            ("subject", alert.Subject), ("at", Utc(alert.At)), ("rule", details.RuleId), ("metric", details.Metric),
            ("severity", ToText(details.Severity)), ("state", ToText(details.State)), ("value", details.Value),
            ("threshold", details.Threshold), ("summary", details.Summary), ("epoch", fence.Epoch)).ConfigureAwait(false), ct);
    }

    // ------------------------------------------------------------------ refusal counters

    public Task AddRejectionCountsAsync(IReadOnlyList<RejectionTally> increments, DateTimeOffset at, CancellationToken ct = default)
    {
        StoreArguments.ValidateRejectionCounts(increments);
        if (increments.Count == 0) return Task.CompletedTask;
        // One statement for the lot; a pair given twice is summed first (ON CONFLICT may touch a row only once).
        return WriteAsync(null, async (c, tx, ct) => await ExecuteAsync(c, tx, """
            INSERT INTO rejection_counts (subject, reason, count, updated_at)
            SELECT subject, reason, sum(count)::bigint, @at
            FROM unnest(@subjects::text[], @reasons::text[], @counts::bigint[]) AS given (subject, reason, count)
            GROUP BY subject, reason
            ON CONFLICT (subject, reason) DO UPDATE SET count = rejection_counts.count + excluded.count, updated_at = excluded.updated_at
            """, ct,
            ("subjects", increments.Select(i => i.Subject).ToArray()), ("reasons", increments.Select(i => i.Reason).ToArray()),
            ("counts", increments.Select(i => i.Count).ToArray()), ("at", Utc(at))).ConfigureAwait(false), ct);
    }

    public async Task<IReadOnlyList<RejectionTally>> ListRejectionCountsAsync(CancellationToken ct = default) =>
        await QueryAsync("""SELECT subject, reason, count FROM rejection_counts ORDER BY subject COLLATE "C", reason COLLATE "C" """,
            r => new RejectionTally(r.GetString(0), r.GetString(1), r.GetInt64(2)), ct).ConfigureAwait(false);
}
