using Microsoft.Data.Sqlite;
using static SecureMonitor.Storage.StoredValues;

namespace SecureMonitor.Storage.Sqlite;

public sealed partial class SqliteMonitorStore
{
    // ------------------------------------------------------------------ audit

    public Task<long> AppendAuditAsync(AuditRecord record, WriteFence? fence, CancellationToken ct = default)
    {
        StoreArguments.ValidateAudit(record);
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
        StoreArguments.ValidateLimit(limit);
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
}
