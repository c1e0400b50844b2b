using Microsoft.Data.Sqlite;
using static SecureMonitor.Storage.StoredValues;

namespace SecureMonitor.Storage.Sqlite;

public sealed partial class SqliteMonitorStore
{
    public Task<LeaseGrant?> TryAcquireLeaseAsync(string nodeId, string endpoint, TimeSpan duration, DateTimeOffset now, CancellationToken ct = default)
    {
        StoreArguments.ValidateLeaseRequest(nodeId, endpoint, duration);
        var nowUs = ToMicros(now);
        var untilUs = ToMicros(now + duration);
        return WriteAsync<LeaseGrant?>(null, (c, tx) =>
        {
            var lease = ReadLease(c, tx);
            var live = lease.Holder is not null && ToMicros(lease.ExpiresAt) > nowUs;
            if (live && lease.Holder == nodeId)
            {
                Execute(c, tx, "UPDATE leader_lease SET endpoint = $e, expires_at = $until WHERE id = 1", ("$e", endpoint), ("$until", untilUs));
                Execute(c, tx, "UPDATE leader_epochs SET lease_until = $until WHERE epoch = $epoch", ("$until", untilUs), ("$epoch", lease.Epoch));
                return new LeaseGrant(lease.Epoch, FromMicros(untilUs));
            }

            if (live) return null;

            // A released lease ended when the next grant came, not when it would have lapsed.
            Execute(c, tx, "UPDATE leader_epochs SET lease_until = $now WHERE epoch = $epoch AND lease_until > $now", ("$now", nowUs), ("$epoch", lease.Epoch));
            var epoch = lease.Epoch + 1;
            Execute(c, tx, "UPDATE leader_lease SET holder = $n, endpoint = $e, epoch = $epoch, expires_at = $until WHERE id = 1",
                ("$n", nodeId), ("$e", endpoint), ("$epoch", epoch), ("$until", untilUs));
            Execute(c, tx, "INSERT INTO leader_epochs (epoch, node_id, endpoint, acquired_at, lease_until) VALUES ($epoch, $n, $e, $now, $until)",
                ("$epoch", epoch), ("$n", nodeId), ("$e", endpoint), ("$now", nowUs), ("$until", untilUs));
            return new LeaseGrant(epoch, FromMicros(untilUs));
        }, ct);
    }

    public Task<bool> RenewLeaseAsync(string nodeId, long epoch, TimeSpan duration, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        var untilUs = ToMicros(now + duration);
        return WriteAsync(null, (c, tx) =>
        {
            var renewed = Execute(c, tx, """
                UPDATE leader_lease SET expires_at = $until
                WHERE id = 1 AND holder = $n AND epoch = $epoch AND expires_at > $now
                """, ("$until", untilUs), ("$n", nodeId), ("$epoch", epoch), ("$now", ToMicros(now))) == 1;
            if (renewed)
            {
                Execute(c, tx, "UPDATE leader_epochs SET lease_until = $until WHERE epoch = $epoch", ("$until", untilUs), ("$epoch", epoch));
            }
            return renewed;
        }, ct);
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
            using var cmd = Command(c, null, "SELECT epoch, node_id, endpoint, acquired_at, lease_until FROM leader_epochs ORDER BY epoch");
            using var r = cmd.ExecuteReader();
            var list = new List<LeaderEpoch>();
            while (r.Read()) list.Add(new LeaderEpoch(r.GetInt64(0), r.GetString(1), r.GetString(2), FromMicros(r.GetInt64(3)), FromMicros(r.GetInt64(4))));
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
}
