using Npgsql;
using SecureMonitor.Storage.Postgres;
using SecureMonitor.TestKit.Monitors;

namespace SecureMonitor.Storage.Tests;

/// <summary>
/// What the contract promises under concurrency, where several nodes on several machines share one
/// PostgreSQL: every store here has its own data source (its own connections), as separate processes
/// would. Interleavings are forced with real row locks and observed in pg_stat_activity, not timed.
/// </summary>
public sealed class PostgresConcurrencyTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan LeaseFor = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly List<IAsyncDisposable> _disposables = [];
    private string _database = null!;

    public async Task InitializeAsync() => _database = await postgres.Server.CreateDatabaseAsync("race");

    public async Task DisposeAsync()
    {
        foreach (var disposable in Enumerable.Reverse(_disposables)) await disposable.DisposeAsync();
        await postgres.Server.DropDatabaseAsync(_database);
    }

    /// <summary>A store as one node would open it; its sessions carry <paramref name="node"/> as application name.</summary>
    private async Task<PostgresMonitorStore> NodeAsync(string node, bool migrate = true)
    {
        var store = new PostgresMonitorStore(postgres.Options(_database, node));
        _disposables.Add(store);
        if (migrate) await store.MigrateAsync().WaitAsync(Bound);
        return store;
    }

    private async Task<NpgsqlConnection> ConnectAsync()
    {
        var connection = await postgres.ConnectAsync(_database);
        _disposables.Add(connection);
        return connection;
    }

    /// <summary>Runs every action at once, released together from one gate.</summary>
    private static async Task<T[]> RaceAsync<T>(IEnumerable<Func<Task<T>>> actions)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = actions.Select(action => Task.Run(async () =>
        {
            await gate.Task;
            return await action();
        })).ToArray();
        gate.SetResult();
        return await Task.WhenAll(running).WaitAsync(Bound);
    }

    /// <summary>Waits until a session of <paramref name="node"/> is blocked on a lock, running SQL that contains <paramref name="sqlFragment"/>.</summary>
    private async Task WaitUntilBlockedAsync(string node, string sqlFragment)
    {
        var observer = await ConnectAsync();
        await Eventually.WaitUntilAsync(() =>
        {
            using var command = new NpgsqlCommand("""
                SELECT count(*) FROM pg_stat_activity
                WHERE application_name = @app AND wait_event_type = 'Lock' AND position(@sql in query) > 0
                """, observer);
            command.Parameters.AddWithValue("app", node);
            command.Parameters.AddWithValue("sql", sqlFragment);
            return (long)command.ExecuteScalar()! > 0;
        }, () => $"no session of {node} waits for a lock in a statement containing '{sqlFragment}'", Bound);
    }

    /// <summary>Holds the lock on one host's row (as a slow append would) until the transaction ends.</summary>
    private async Task<NpgsqlTransaction> LockHostRowAsync(string host)
    {
        var connection = await ConnectAsync();
        var tx = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand("SELECT 1 FROM hosts WHERE host_id = @h FOR UPDATE", connection, tx);
        command.Parameters.AddWithValue("h", host);
        Assert.Equal(1, await command.ExecuteScalarAsync());
        return tx;
    }

    [Fact]
    public async Task Nodes_racing_for_a_free_lease_produce_exactly_one_leader_per_round()
    {
        const int Rounds = 12;
        var nodes = new List<PostgresMonitorStore>();
        for (var i = 0; i < 6; i++) nodes.Add(await NodeAsync($"node-{i}"));
        var winners = new List<string>();

        for (var round = 0; round < Rounds; round++)
        {
            var now = At(round * 2 * LeaseFor.TotalSeconds); // the previous round's lease has expired
            var grants = await RaceAsync(nodes.Select((store, i) => (Func<Task<(string Node, LeaseGrant? Grant)>>)(async () =>
                ($"node-{i}", await store.TryAcquireLeaseAsync($"node-{i}", $"node-{i}:7801", LeaseFor, now)))));

            var winner = Assert.Single(grants, g => g.Grant is not null);
            Assert.Equal(new LeaseGrant(round + 1, now + LeaseFor), winner.Grant);
            Assert.Equal(winner.Node, (await nodes[0].ReadLeaseAsync()).Holder);
            winners.Add(winner.Node);
        }

        var log = await nodes[0].ListLeaderEpochsAsync();
        Assert.Equal(Enumerable.Range(1, Rounds).Select(e => (long)e), log.Select(e => e.Epoch));
        Assert.Equal(winners, log.Select(e => e.NodeId));
    }

    [Fact]
    public async Task Renewal_and_takeover_racing_at_expiry_never_leave_two_holders()
    {
        var a = await NodeAsync("node-a");
        var b = await NodeAsync("node-b");
        for (var round = 0; round < 12; round++)
        {
            // a holds the lease until exactly `expiry`; a renews and b tries to take over at that instant.
            var start = At(round * 100);
            var grant = await a.TryAcquireLeaseAsync("node-a", "a:7801", LeaseFor, start);
            Assert.NotNull(grant);
            var expiry = start + LeaseFor;
            var renewAt = expiry - TimeSpan.FromMilliseconds(1);

            var outcome = await RaceAsync<object>(
            [
                async () => await a.RenewLeaseAsync("node-a", grant.Epoch, LeaseFor, renewAt),
                async () => (object?)await b.TryAcquireLeaseAsync("node-b", "b:7801", LeaseFor, expiry) ?? "refused",
            ]);

            var renewed = (bool)outcome[0];
            var lease = await a.ReadLeaseAsync();
            if (renewed && lease.Holder == "node-a")
            {
                Assert.Equal("refused", outcome[1]); // renewal first: b saw a live lease
                Assert.Equal(grant.Epoch, lease.Epoch);
            }
            else
            {
                Assert.IsType<LeaseGrant>(outcome[1]); // takeover first: the renewal found a new epoch
                Assert.False(renewed);
                Assert.Equal(("node-b", grant.Epoch + 1), (lease.Holder, lease.Epoch));
            }

            await b.ReleaseLeaseAsync("node-b", lease.Epoch);
            await a.ReleaseLeaseAsync("node-a", lease.Epoch);
        }
    }

    [Fact]
    public async Task A_grant_waits_for_a_fenced_write_in_flight_after_which_the_old_leader_is_refused()
    {
        var a = await NodeAsync("node-a");
        var b = await NodeAsync("node-b");
        var old = new WriteFence((await a.TryAcquireLeaseAsync("node-a", "a:7801", LeaseFor, T0))!.Epoch);
        await a.AppendAsync([Alert("web-1", 1)], old);
        var hostLock = await LockHostRowAsync("web-1");

        // a's write passes its fence check, then waits for the host row: it is in flight.
        var inFlight = a.AppendAsync([Alert("web-1", 2)], old);
        await WaitUntilBlockedAsync("node-a", "FROM hosts");
        // b takes over the expired lease: the grant must wait until a's write has committed.
        var takeover = b.TryAcquireLeaseAsync("node-b", "b:7801", LeaseFor, T0 + LeaseFor);
        await WaitUntilBlockedAsync("node-b", "leader_lease");
        Assert.False(takeover.IsCompleted);
        Assert.False(inFlight.IsCompleted);

        await hostLock.RollbackAsync();

        Assert.Equal([AppendOutcome.Stored], await inFlight.WaitAsync(Bound));
        var grant = await takeover.WaitAsync(Bound);
        Assert.Equal(old.Epoch + 1, grant?.Epoch);
        var refused = await Assert.ThrowsAsync<StaleFenceException>(() => a.AppendAsync([Alert("web-1", 3)], old));
        Assert.Equal(("node-b", grant!.Epoch), (refused.CurrentHolder, refused.CurrentEpoch));
        Assert.Equal([AppendOutcome.Stored], await b.AppendAsync([Alert("web-1", 3)], new WriteFence(grant.Epoch)));
        Assert.Equal(3UL, await b.GetHighWaterMarkAsync("web-1"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_fenced_write_that_starts_during_a_grant_waits_for_it_and_is_refused_only_if_it_commits(bool grantCommits)
    {
        var a = await NodeAsync("node-a");
        var old = new WriteFence((await a.TryAcquireLeaseAsync("node-a", "a:7801", LeaseFor, T0))!.Epoch);
        // Node b's grant, caught between its lock on the lease row and its commit (what TryAcquireLeaseAsync does, paused).
        var grantConnection = await ConnectAsync();
        var grant = await grantConnection.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand("""
            SELECT epoch FROM leader_lease WHERE id = 1 FOR UPDATE;
            UPDATE leader_lease SET holder = 'node-b', endpoint = 'b:7801', epoch = epoch + 1, expires_at = now() + interval '10 s' WHERE id = 1;
            INSERT INTO leader_epochs (epoch, node_id, endpoint, acquired_at, lease_until) SELECT epoch, 'node-b', 'b:7801', now(), expires_at FROM leader_lease;
            """, grantConnection, grant))
        {
            await command.ExecuteNonQueryAsync();
        }

        var write = a.AppendAsync([Alert("web-1", 1)], old);
        await WaitUntilBlockedAsync("node-a", "leader_lease");
        Assert.False(write.IsCompleted);
        if (grantCommits) await grant.CommitAsync();
        else await grant.RollbackAsync();

        if (grantCommits)
        {
            var refused = await Assert.ThrowsAsync<StaleFenceException>(() => write.WaitAsync(Bound));
            Assert.Equal(("node-b", old.Epoch + 1), (refused.CurrentHolder, refused.CurrentEpoch));
            Assert.Empty(await a.ListHostsAsync());
        }
        else
        {
            Assert.Equal([AppendOutcome.Stored], await write.WaitAsync(Bound));
        }
    }

    [Fact]
    public async Task Renewals_are_not_held_up_by_a_fenced_write_in_flight()
    {
        var a = await NodeAsync("node-a");
        var fence = new WriteFence((await a.TryAcquireLeaseAsync("node-a", "a:7801", LeaseFor, T0))!.Epoch);
        await a.AppendAsync([Alert("web-1", 1)], fence);
        var hostLock = await LockHostRowAsync("web-1");
        var inFlight = a.AppendAsync([Alert("web-1", 2)], fence);
        await WaitUntilBlockedAsync("node-a", "FROM hosts");

        Assert.True(await a.RenewLeaseAsync("node-a", fence.Epoch, LeaseFor, At(5)).WaitAsync(Bound));
        Assert.False(inFlight.IsCompleted);

        await hostLock.RollbackAsync();
        Assert.Equal([AppendOutcome.Stored], await inFlight.WaitAsync(Bound));
    }

    [Fact]
    public async Task Concurrent_migrators_on_an_empty_database_all_succeed_and_apply_each_migration_once()
    {
        var stores = new List<PostgresMonitorStore>();
        for (var i = 0; i < 6; i++) stores.Add(await NodeAsync($"node-{i}", migrate: false));

        var results = await RaceAsync(stores.Select(store => (Func<Task<MigrationResult>>)(() => store.MigrateAsync())));

        Assert.All(results, result => Assert.Equal(PostgresMigrations.Latest, result.ToVersion));
        Assert.Contains(results, result => result.FromVersion == 0);
        var connection = await ConnectAsync();
        await using var command = new NpgsqlCommand("SELECT array_agg(version ORDER BY version) FROM schema_version", connection);
        Assert.Equal(Enumerable.Range(1, PostgresMigrations.Latest), (int[])(await command.ExecuteScalarAsync())!);
        Assert.NotNull(await stores[^1].TryAcquireLeaseAsync("node-5", "n5:7801", LeaseFor, T0));
    }

    [Fact]
    public async Task Concurrent_appends_of_the_same_messages_for_new_hosts_store_each_once_without_deadlock()
    {
        var a = await NodeAsync("node-a");
        var b = await NodeAsync("node-b");
        var fence = new WriteFence((await a.TryAcquireLeaseAsync("node-a", "a:7801", LeaseFor, T0))!.Epoch);
        // The same 400 alerts for 40 hosts none has seen, listed in opposite host orders.
        StoredMessage[] forward = [.. Enumerable.Range(0, 400).Select(i => Alert($"host-{i / 10:00}", (ulong)(i % 10 + 1), At(i)))];
        StoredMessage[] backward = [.. forward.OrderByDescending(m => m.HostId, StringComparer.Ordinal).ThenBy(m => m.Sequence)];

        var outcomes = await RaceAsync<IReadOnlyList<AppendOutcome>>([() => a.AppendAsync(forward, fence), () => b.AppendAsync(backward, fence)]);

        var stored = outcomes[0].Select((o, i) => (forward[i].HostId, forward[i].Sequence, o))
            .Concat(outcomes[1].Select((o, i) => (backward[i].HostId, backward[i].Sequence, o)))
            .Where(x => x.o == AppendOutcome.Stored)
            .Select(x => (x.HostId, x.Sequence))
            .ToList();
        Assert.Equal(400, stored.Distinct().Count());
        Assert.Equal(400, stored.Count);
        Assert.Equal(400, (await a.ListAlertsAsync(new AlertQuery { Limit = AlertQuery.MaxLimit })).Count);
        Assert.All((await a.GetHighWaterMarksAsync()).Values, mark => Assert.Equal(10UL, mark));
    }
}
