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
}
