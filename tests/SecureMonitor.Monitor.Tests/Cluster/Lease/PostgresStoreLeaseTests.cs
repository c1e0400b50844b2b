using Npgsql;
using SecureMonitor.Monitor.Cluster.Lease;
using SecureMonitor.Storage;
using SecureMonitor.Storage.Postgres;
using SecureMonitor.TestKit.Processes;

namespace SecureMonitor.Monitor.Tests.Cluster.Lease;

/// <summary>One real PostgreSQL for the class (<see cref="PostgresServer"/>); a database per test.</summary>
public sealed class PostgresLeaseServer : IAsyncLifetime
{
    public PostgresServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await PostgresServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (Server is not null) await Server.DisposeAsync();
    }
}

/// <summary>The lease on PostgreSQL, plus judging expiry by the database server's clock.</summary>
public sealed class PostgresStoreLeaseTests(PostgresLeaseServer postgres) : StoreLeaseContractTests, IClassFixture<PostgresLeaseServer>
{
    private string _database = null!;

    public override async Task InitializeAsync() => _database = await postgres.Server.CreateDatabaseAsync("lease");

    protected override async Task<IMonitorStore> OpenStoreAsync()
    {
        var store = new PostgresMonitorStore(new PostgresMonitorStoreOptions
        {
            ConnectionString = new NpgsqlConnectionStringBuilder(postgres.Server.ConnectionString(_database)) { Pooling = true }.ConnectionString,
            MaxPoolSize = 4,
        });
        await store.MigrateAsync().WaitAsync(Bound);
        return store;
    }

    protected override Task CleanupAsync() => postgres.Server.DropDatabaseAsync(_database);

    [Fact]
    public async Task With_the_store_clock_a_grant_runs_from_the_database_servers_time_not_the_nodes()
    {
        // The node's clock is years off (virtual time starts in 2025); the grant must not care.
        var a = await StartNodeAsync("10.0.0.1:2551", useStoreClock: true);
        var clock = (IStoreClock)await OpenStoreAsync();
        await using var _ = (IAsyncDisposable)clock;

        var before = await clock.GetStoreTimeAsync();
        Assert.True(await a.AcquireAsync().WaitAsync(Bound));
        var after = await clock.GetStoreTimeAsync();

        var expires = a.Lease.Current!.ExpiresAt;
        Assert.InRange(expires, before + LeaseFor, after + LeaseFor);
        Assert.Equal(expires, (await ReadLeaseAsync()).ExpiresAt);
        Assert.True((await ReadLeaseAsync()).IsHeldAt(after));
    }

    [Fact]
    public async Task The_store_clock_is_utc_and_does_not_go_backwards()
    {
        var store = (IStoreClock)await OpenStoreAsync();
        await using var _ = (IAsyncDisposable)store;

        var first = await store.GetStoreTimeAsync();
        var second = await store.GetStoreTimeAsync();

        Assert.Equal(TimeSpan.Zero, first.Offset);
        Assert.True(second >= first);
        Assert.InRange(first, DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow + TimeSpan.FromMinutes(1));
    }
}
