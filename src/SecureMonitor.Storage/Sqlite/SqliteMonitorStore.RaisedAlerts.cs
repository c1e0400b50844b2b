using static SecureMonitor.Storage.StoredValues;

namespace SecureMonitor.Storage.Sqlite;

public sealed partial class SqliteMonitorStore
{
    // ------------------------------------------------------------------ alerts the monitor raises

    public Task AppendRaisedAlertAsync(RaisedAlert alert, WriteFence fence, CancellationToken ct = default)
    {
        StoreArguments.ValidateRaisedAlert(alert);
        var details = alert.Alert;
        return WriteAsync(fence, (c, tx) => Execute(c, tx, """
            INSERT INTO raised_alerts (subject, raised_at, rule_id, metric, severity, state, value, threshold, summary, written_epoch)
            VALUES ($subject, $at, $rule, $metric, $severity, $state, $value, $threshold, $summary, $epoch)
            """,
            ("$subject", alert.Subject), ("$at", ToMicros(alert.At)), ("$rule", details.RuleId), ("$metric", details.Metric),
            ("$severity", ToText(details.Severity)), ("$state", ToText(details.State)), ("$value", details.Value),
            ("$threshold", details.Threshold), ("$summary", details.Summary), ("$epoch", fence.Epoch)), ct);
    }

    // ------------------------------------------------------------------ refusal counters

    public Task AddRejectionCountsAsync(IReadOnlyList<RejectionTally> increments, DateTimeOffset at, CancellationToken ct = default)
    {
        StoreArguments.ValidateRejectionCounts(increments);
        if (increments.Count == 0) return Task.CompletedTask;
        return WriteAsync(null, (c, tx) =>
        {
            foreach (var increment in increments)
            {
                Execute(c, tx, """
                    INSERT INTO rejection_counts (subject, reason, count, updated_at) VALUES ($subject, $reason, $count, $at)
                    ON CONFLICT (subject, reason) DO UPDATE SET count = rejection_counts.count + excluded.count, updated_at = excluded.updated_at
                    """, ("$subject", increment.Subject), ("$reason", increment.Reason), ("$count", increment.Count), ("$at", ToMicros(at)));
            }
            return increments.Count;
        }, ct);
    }

    public Task<IReadOnlyList<RejectionTally>> ListRejectionCountsAsync(CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<RejectionTally>>(c =>
        {
            using var cmd = Command(c, null, "SELECT subject, reason, count FROM rejection_counts ORDER BY subject, reason");
            using var r = cmd.ExecuteReader();
            var list = new List<RejectionTally>();
            while (r.Read()) list.Add(new RejectionTally(r.GetString(0), r.GetString(1), r.GetInt64(2)));
            return list;
        }, ct);
}
