using System.Diagnostics;
using SecureMonitor.Storage;
using SecureMonitor.Storage.Postgres;
using SecureMonitor.Storage.Sqlite;
using SecureMonitor.TestKit.Monitors;
using SecureMonitor.TestKit.Network;
using SecureMonitor.TestKit.Processes;
using Xunit;
using Xunit.Abstractions;

namespace SecureMonitor.EndToEnd.Tests;

/// <summary>
/// Monitor processes sharing one store (SQLite on this machine, or a real PostgreSQL the test starts)
/// and watcher processes that know them all, while the leader is killed with kill -9 or cut off from
/// its database in the middle of a steady stream of alerts. The watchers' only metric is a load
/// average the test writes, so every flip raises exactly one alert or resolution in each watcher
/// (each logged); the store must end up with every one of them exactly once, one incident, and an
/// epochs log whose terms never overlapped and which covers every alert's receipt.
/// </summary>
public sealed class ClusterFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] Hosts = ["web-01", "web-02", "web-03"];
    private const int FlipsBeforeKill = 6;
    private const int Flips = 16;

    private readonly string _work = Directory.CreateTempSubdirectory("sm-failover-").FullName;
    private readonly List<SecureMonitorProcess> _monitors = [];
    private readonly List<int> _clusterPorts = [];
    private readonly List<SecureMonitorProcess> _watchers = [];
    private PkiFixture _pki = null!;
    private PostgresServer? _postgres;
    private string? _database;
    private ScriptedLoadWatchers _load = null!;

    public Task InitializeAsync()
    {
        _pki = PkiFixture.WithWatchers(Hosts);
        _load = new ScriptedLoadWatchers(_work);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _watchers.Concat(_monitors))
        {
            await process.DisposeAsync();
        }
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
        _pki.Dispose();
        Directory.Delete(_work, recursive: true);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Killing_the_leader_mid_stream_loses_no_alert_stores_none_twice_and_keeps_one_incident(string storeKind)
    {
        var connection = storeKind == "postgres" ? await StartPostgresAsync() : null;
        var endpoints = Hosts.Select(_ => $"127.0.0.1:{LoopbackPort.Free()}").ToArray();
        for (var index = 0; index < endpoints.Length; index++)
        {
            await StartMonitorAsync(index, endpoints[index], connection);
        }
        // The singleton runs on the oldest node: the first one, which started the cluster.
        static bool Leads(SecureMonitorProcess monitor) => monitor.CountLines(line => line.Contains("under lease epoch 1", StringComparison.Ordinal)) == 1;
        await Eventually.WaitUntilAsync(() => _monitors.Any(Leads), () => "no monitor took the lease of the fresh store");
        var leader = Assert.Single(_monitors, Leads);
        await StartWatchersAsync(endpoints);

        while (_load.Flips < FlipsBeforeKill)
        {
            await _load.FlipAsync(_watchers);
        }
        await using var store = await OpenStoreAsync(connection);
        await WaitForStoredAsync(store, FlipsBeforeKill);
        var killedAt = Stopwatch.StartNew();
        await leader.KillHardAsync();
        while (_load.Flips < Flips)
        {
            await _load.FlipAsync(_watchers); // raised while the cluster fails over: spooled, then delivered to the new leader
        }
        await WaitForStoredAsync(store, Flips);
        output.WriteLine($"all {Flips * Hosts.Length} alerts stored {killedAt.Elapsed.TotalSeconds:0.0} s after the kill");

        await AssertEveryAlertOnceOneIncidentAndDisjointTermsAsync(store);
    }

    [Fact]
    public async Task Stopping_the_leader_with_SIGTERM_hands_over_at_once_and_loses_nothing()
    {
        var (leader, store) = await StartThreeOnPostgresUnderLoadAsync();
        await using var _ = store;

        // As a service manager stops it: CoordinatedShutdown leaves the cluster and hands the singleton
        // over (the lease released, not left to lapse), and the process ends cleanly.
        var stopping = leader.StopAsync(TimeSpan.FromSeconds(30));
        while (_load.Flips < Flips)
        {
            await _load.FlipAsync(_watchers);
        }
        await stopping;
        Assert.Equal(0, leader.ExitCode);
        await WaitForStoredAsync(store, Flips);
        Assert.Contains(_monitors.Skip(1), monitor => monitor.CountLines(line => line.Contains("under lease epoch 2", StringComparison.Ordinal)) == 1);
        await AssertEveryAlertOnceOneIncidentAndDisjointTermsAsync(store);
    }

    [Fact]
    public async Task A_leader_cut_off_from_its_database_steps_down_within_its_lease_and_no_two_terms_overlap()
    {
        var direct = await StartPostgresAsync();
        await using var proxy = new LoopbackProxy(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, _postgres!.Port));
        var viaProxy = new Npgsql.NpgsqlConnectionStringBuilder(direct) { Port = proxy.Port }.ConnectionString;
        // Three nodes, as deployed: the two that keep the database stay a majority whatever the cut-off
        // node's state looks like to them (with two, keep-majority could keep the cut-off one).
        var endpoints = new[] { $"127.0.0.1:{LoopbackPort.Free()}", $"127.0.0.1:{LoopbackPort.Free()}", $"127.0.0.1:{LoopbackPort.Free()}" };
        var leader = await StartMonitorAsync(0, endpoints[0], viaProxy);
        await leader.WaitForLinesAsync(line => line.Contains("under lease epoch 1", StringComparison.Ordinal), 1, "the first monitor to run the singleton");
        var follower = await StartMonitorAsync(1, endpoints[1], direct);
        await StartMonitorAsync(2, endpoints[2], direct);
        await StartWatchersAsync(endpoints);
        await using var store = await OpenStoreAsync(direct);

        while (_load.Flips < FlipsBeforeKill)
        {
            await _load.FlipAsync(_watchers);
        }
        await WaitForStoredAsync(store, FlipsBeforeKill);
        proxy.Partition();
        while (_load.Flips < Flips)
        {
            await _load.FlipAsync(_watchers);
        }
        await WaitForStoredAsync(store, Flips);

        // Its lease lost, the cut-off node stops serving and is out of the cluster (it left, or the others
        // downed it first), so another can take over.
        await leader.WaitForLinesAsync(line => line.Contains("Left the monitor cluster", StringComparison.Ordinal), 1,
            "the cut-off node to leave the cluster when its lease was lost");
        await follower.WaitForLinesAsync(line => line.Contains("under lease epoch 2", StringComparison.Ordinal), 1, "the follower to take over");
        await AssertEveryAlertOnceOneIncidentAndDisjointTermsAsync(store);
    }

    [Fact]
    public async Task A_leader_frozen_away_from_its_peers_is_replaced_and_on_waking_writes_nothing_and_leaves()
    {
        var (leader, store) = await StartThreeOnPostgresUnderLoadAsync();
        await using var _ = store;

        // Frozen (a paused VM, a stalled host): its peers lose it, down it and take over under the next epoch.
        leader.Freeze();
        try
        {
            while (_load.Flips < Flips)
            {
                await _load.FlipAsync(_watchers);
            }
            await WaitForStoredAsync(store, Flips);
            Assert.Contains(_monitors.Skip(1), monitor => monitor.CountLines(line => line.Contains("under lease epoch 2", StringComparison.Ordinal)) == 1);
        }
        finally
        {
            leader.Thaw();
        }

        // Awake, it learns it is out of the cluster and ends (its supervisor would restart it as a new member);
        // whatever it still tried to write carried epoch 1 and changed nothing.
        var exitCode = await leader.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, exitCode);
        await AssertEveryAlertOnceOneIncidentAndDisjointTermsAsync(store);
    }

    /// <summary>Three monitors on a fresh PostgreSQL (the first runs the singleton), the watchers, and the
    /// first <see cref="FlipsBeforeKill"/> flips stored.</summary>
    private async Task<(SecureMonitorProcess Leader, IMonitorStore Store)> StartThreeOnPostgresUnderLoadAsync()
    {
        var connection = await StartPostgresAsync();
        var endpoints = Hosts.Select(_ => $"127.0.0.1:{LoopbackPort.Free()}").ToArray();
        for (var index = 0; index < endpoints.Length; index++)
        {
            await StartMonitorAsync(index, endpoints[index], connection);
        }
        var leader = _monitors[0];
        await leader.WaitForLinesAsync(line => line.Contains("under lease epoch 1", StringComparison.Ordinal), 1, "the first monitor to run the singleton");
        await StartWatchersAsync(endpoints);
        var store = await OpenStoreAsync(connection);
        while (_load.Flips < FlipsBeforeKill)
        {
            await _load.FlipAsync(_watchers);
        }
        await WaitForStoredAsync(store, FlipsBeforeKill);
        return (leader, store);
    }

    private async Task AssertEveryAlertOnceOneIncidentAndDisjointTermsAsync(IMonitorStore store)
    {
        foreach (var host in Hosts)
        {
            var alerts = (await store.ListAlertsAsync(new AlertQuery { Host = host, Limit = 1000 })).OrderBy(alert => alert.Sequence).ToList();
            Assert.Equal(Flips, alerts.Count);
            Assert.Equal(Enumerable.Range(0, Flips).Select(index => index % 2 == 0 ? AlertState.Firing : AlertState.Resolved),
                alerts.Select(alert => alert.Alert.State));
        }
        var incidents = await store.ListIncidentsAsync(openOnly: false);
        Assert.Single(incidents);

        // The epochs log: a second term began after the kill; the terms' lease spans never overlapped,
        // and every alert was received within the span of some term.
        var epochs = await store.ListLeaderEpochsAsync();
        Assert.True(epochs.Count >= 2, $"expected a takeover, epochs: {string.Join(", ", epochs)}");
        foreach (var (earlier, later) in epochs.Zip(epochs.Skip(1)))
        {
            Assert.True(earlier.LeaseUntil <= later.AcquiredAt, $"epoch {earlier.Epoch} ran until {earlier.LeaseUntil:O}, epoch {later.Epoch} began {later.AcquiredAt:O}");
        }
        var all = await store.ListAlertsAsync(new AlertQuery { Limit = 1000 });
        Assert.All(all, alert => Assert.Contains(epochs, epoch => epoch.AcquiredAt <= alert.ReceivedAt && alert.ReceivedAt <= epoch.LeaseUntil));
    }

    private async Task<string> StartPostgresAsync()
    {
        _postgres = await PostgresServer.StartAsync();
        _database = await _postgres.CreateDatabaseAsync();
        return _postgres.ConnectionString(_database);
    }

    /// <summary>Starts monitor-N on <paramref name="endpoint"/>: on the shared SQLite directory, or on
    /// PostgreSQL when a connection string is given; every node names the first one's cluster endpoint as its seed.</summary>
    private async Task<SecureMonitorProcess> StartMonitorAsync(int index, string endpoint, string? postgres)
    {
        while (_clusterPorts.Count <= index)
        {
            _clusterPorts.Add(LoopbackPort.Free());
        }
        var environment = new Dictionary<string, string>
        {
            ["SM_CORRELATION_MIN_HOSTS"] = "3",
            ["SM_CORRELATION_WINDOW"] = "5m",
            ["SM_CORRELATION_STORM_ALERTS"] = "100000",
            ["SM_CORRELATION_QUIET_PERIOD"] = "10m",
            ["SM_LOG_FORMAT"] = "console",
        };
        if (postgres is not null)
        {
            environment["SM_STORE_KIND"] = "postgres";
            environment["SM_STORE_POSTGRES_CONNECTION"] = postgres;
        }
        var monitor = SecureMonitorProcess.Start(
            ["monitor", "--pki", _pki.Root, "--listen", endpoint, "--data", Path.Combine(_work, "monitor-data"), "--node-id", $"monitor-{index + 1}",
                "--cluster-port", _clusterPorts[index].ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--seed-nodes", $"127.0.0.1:{_clusterPorts[0]}"],
            environment, _work);
        _monitors.Add(monitor);
        await monitor.WaitForLinesAsync(line => line.Contains($"listening on {endpoint}", StringComparison.Ordinal), 1, $"monitor on {endpoint} to start");
        // A member of the cluster (the first node forms it; the others are welcomed) before anything is stopped.
        await monitor.WaitForClusterMembershipAsync();
        return monitor;
    }

    private async Task StartWatchersAsync(IReadOnlyList<string> endpoints)
    {
        _load.WriteLoad(0);
        foreach (var host in Hosts)
        {
            _watchers.Add(SecureMonitorProcess.Start(["watcher", "--config", _load.WriteConfig(host, _pki.Paths.WatcherBundle(host), endpoints)],
                workingDirectory: _work));
        }
        foreach (var watcher in _watchers)
        {
            await watcher.WaitForLinesAsync(line => line.Contains("Connected to monitor", StringComparison.Ordinal), 1, "a watcher to connect");
        }
    }

    private async Task<IMonitorStore> OpenStoreAsync(string? postgres)
    {
        IMonitorStore store = postgres is null
            ? new SqliteMonitorStore(new SqliteMonitorStoreOptions { DataDirectory = Path.Combine(_work, "monitor-data") })
            : new PostgresMonitorStore(new PostgresMonitorStoreOptions { ConnectionString = postgres });
        await store.MigrateAsync();
        return store;
    }

    private async Task WaitForStoredAsync(IMonitorStore store, int perHost)
    {
        var counts = new Dictionary<string, int>();
        await Eventually.WaitUntilAsync(async () =>
        {
            foreach (var host in Hosts)
            {
                counts[host] = (await store.ListAlertsAsync(new AlertQuery { Host = host, Limit = 1000 })).Count;
            }
            return counts.Values.All(count => count >= perHost);
        }, () => $"expected {perHost} alerts per host in the store; it has {string.Join(", ", counts)}. Monitors said:\n" +
            string.Join("\n---\n", _monitors.Select((monitor, index) => $"monitor-{index + 1}{(monitor.HasExited ? $" (exited {monitor.ExitCode})" : "")}:\n" +
                string.Join("\n", monitor.Lines.Where(line => !line.Contains("SecureListener", StringComparison.Ordinal)).TakeLast(25)))), TimeSpan.FromSeconds(45));
    }

}
