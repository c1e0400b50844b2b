using Npgsql;
using static SecureMonitor.Storage.StoredValues;

namespace SecureMonitor.Storage.Postgres;

public sealed partial class PostgresMonitorStore
{
    private const string LeaseColumns = "SELECT holder, endpoint, epoch, expires_at FROM leader_lease WHERE id = 1";

    public Task<LeaseGrant?> TryAcquireLeaseAsync(string nodeId, string endpoint, TimeSpan duration, DateTimeOffset now, CancellationToken ct = default)
    {
        StoreArguments.ValidateLeaseRequest(nodeId, endpoint, duration);
        var nowUs = ToMicros(now);
        var until = Utc(now + duration);
        return WriteAsync<LeaseGrant?>(null, async (c, tx, ct) =>
        {
            // FOR UPDATE: competing acquirers queue here and each decides on the row as the previous one
            // committed it; fenced writes in flight (KEY SHARE) finish before a grant can change the epoch.
            var lease = await ReadLeaseAsync(c, tx, " FOR UPDATE", ct).ConfigureAwait(false);
            var live = lease.Holder is not null && ToMicros(lease.ExpiresAt) > nowUs;
            if (live && lease.Holder == nodeId)
            {
                await ExecuteAsync(c, tx, """
                    UPDATE leader_lease SET endpoint = @e, expires_at = @until WHERE id = 1;
                    UPDATE leader_epochs SET lease_until = @until WHERE epoch = @epoch
                    """, ct, ("e", endpoint), ("until", until), ("epoch", lease.Epoch)).ConfigureAwait(false);
                return new LeaseGrant(lease.Epoch, until);
            }

            if (live) return null;

            var epoch = lease.Epoch + 1;
            // A released lease ended when the next grant came, not when it would have lapsed.
            await ExecuteAsync(c, tx, """
                UPDATE leader_epochs SET lease_until = @now WHERE epoch = @previous AND lease_until > @now;
                UPDATE leader_lease SET holder = @n, endpoint = @e, epoch = @epoch, expires_at = @until WHERE id = 1;
                INSERT INTO leader_epochs (epoch, node_id, endpoint, acquired_at, lease_until) VALUES (@epoch, @n, @e, @now, @until)
                """, ct, ("previous", lease.Epoch), ("n", nodeId), ("e", endpoint), ("epoch", epoch), ("until", until), ("now", Utc(now))).ConfigureAwait(false);
            return new LeaseGrant(epoch, until);
        }, ct);
    }

    public async Task<bool> RenewLeaseAsync(string nodeId, long epoch, TimeSpan duration, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        // One conditional UPDATE: if a grant commits first, PostgreSQL re-checks the WHERE on the new row;
        // the epochs log follows only when the lease row did (the CTE's row count decides).
        return await ExecuteAsync("""
            WITH renewed AS (
                UPDATE leader_lease SET expires_at = @until
                WHERE id = 1 AND holder = @n AND epoch = @epoch AND expires_at > @now
                RETURNING epoch)
            UPDATE leader_epochs SET lease_until = @until WHERE epoch IN (SELECT epoch FROM renewed)
            """, ct, ("until", Utc(now + duration)), ("n", nodeId), ("epoch", epoch), ("now", Utc(now))).ConfigureAwait(false) == 1;
    }

    public async Task<LeaseState> ReadLeaseAsync(CancellationToken ct = default)
    {
        ThrowIfUnusable(requireMigrated: true);
        await using var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await ReadLeaseAsync(connection, null, "", ct).ConfigureAwait(false);
    }

    public async Task<bool> ReleaseLeaseAsync(string nodeId, long epoch, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        return await ExecuteAsync("""
            UPDATE leader_lease SET holder = NULL, endpoint = NULL, expires_at = '1970-01-01 00:00:00+00'
            WHERE id = 1 AND holder = @n AND epoch = @epoch
            """, ct, ("n", nodeId), ("epoch", epoch)).ConfigureAwait(false) == 1;
    }

    public async Task<IReadOnlyList<LeaderEpoch>> ListLeaderEpochsAsync(CancellationToken ct = default) =>
        await QueryAsync("SELECT epoch, node_id, endpoint, acquired_at, lease_until FROM leader_epochs ORDER BY epoch",
            r => new LeaderEpoch(r.GetInt64(0), r.GetString(1), r.GetString(2), ReadTime(r, 3), ReadTime(r, 4)), ct).ConfigureAwait(false);

    private static async Task<LeaseState> ReadLeaseAsync(NpgsqlConnection c, NpgsqlTransaction? tx, string lockClause, CancellationToken ct)
    {
        await using var command = Command(c, tx, LeaseColumns + lockClause);
        await using var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (!await r.ReadAsync(ct).ConfigureAwait(false)) throw new StoredDataException("The leader_lease row is missing.");
        return new LeaseState(ReadOptionalString(r, 0), ReadOptionalString(r, 1), r.GetInt64(2), ReadTime(r, 3));
    }

    /// <summary>
    /// The fence check, run first inside every fenced write transaction. FOR KEY SHARE holds the lease row
    /// until the commit: a grant (FOR UPDATE) waits for this write, and this read waits for a grant in
    /// flight and then sees its epoch. Renewals (plain UPDATEs) do not conflict with it.
    /// </summary>
    private static async Task CheckFenceAsync(NpgsqlConnection c, NpgsqlTransaction tx, WriteFence fence, CancellationToken ct)
    {
        var lease = await ReadLeaseAsync(c, tx, " FOR KEY SHARE", ct).ConfigureAwait(false);
        if (lease.Holder is null || lease.Epoch != fence.Epoch) throw new StaleFenceException(fence, lease.Epoch, lease.Holder);
    }
}
