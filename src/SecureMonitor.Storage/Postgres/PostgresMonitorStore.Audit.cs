namespace SecureMonitor.Storage.Postgres;

public sealed partial class PostgresMonitorStore
{
    // ------------------------------------------------------------------ audit

    public Task<long> AppendAuditAsync(AuditRecord record, WriteFence? fence, CancellationToken ct = default)
    {
        StoreArguments.ValidateAudit(record);
        return WriteAsync(fence, async (c, tx, ct) => (await ScalarAsync<long?>(c, tx, """
            INSERT INTO audit_log (at, subject, role, command, arguments, result, success, epoch)
            VALUES (@at, @subject, @role, @command, @args, @result, @success, @epoch::bigint)
            RETURNING id
            """, ct,
            ("at", Utc(record.At)), ("subject", record.Subject), ("role", record.Role), ("command", record.Command),
            ("args", record.Arguments), ("result", record.Result), ("success", record.Success), ("epoch", fence?.Epoch)).ConfigureAwait(false))!.Value, ct);
    }

    public async Task<IReadOnlyList<AuditEntry>> ListAuditAsync(DateTimeOffset? since, int limit, CancellationToken ct = default)
    {
        StoreArguments.ValidateLimit(limit);
        return await QueryAsync("""
            SELECT id, epoch, at, subject, role, command, arguments, result, success FROM audit_log
            WHERE @since::timestamptz IS NULL OR at >= @since::timestamptz
            ORDER BY id DESC
            LIMIT @limit
            """, r => new AuditEntry(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetInt64(1), new AuditRecord(
                ReadTime(r, 2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetString(7), r.GetBoolean(8))),
            ct, ("since", Utc(since)), ("limit", limit)).ConfigureAwait(false);
    }
}
