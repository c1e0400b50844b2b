using System.Diagnostics;
using SecureMonitor.Storage;
using SecureMonitor.Storage.Sqlite;
using SecureMonitor.TestKit.Monitors;
using SecureMonitor.TestKit.Processes;
using Xunit;
using Xunit.Abstractions;

namespace SecureMonitor.EndToEnd.Tests;

/// <summary>
/// Three monitor processes sharing one store and three watcher processes that know all three: the
/// leader is killed with kill -9 in the middle of a steady stream of alerts. The watchers' only metric
/// is a load average the test writes, so every flip raises exactly one alert or resolution in each
/// watcher (each logged); the store must end up with every one of them exactly once, one incident,
/// and an epochs log whose terms never overlapped.
/// </summary>
public sealed class ClusterFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] Hosts = ["web-01", "web-02", "web-03"];
    private const int FlipsBeforeKill = 6;
    private const int Flips = 16;

    private readonly string _work = Directory.CreateTempSubdirectory("sm-failover-").FullName;
    private readonly List<SecureMonitorProcess> _monitors = [];
    private readonly List<SecureMonitorProcess> _watchers = [];
    private PkiFixture _pki = null!;
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
        _pki.Dispose();
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task Killing_the_leader_mid_stream_loses_no_alert_stores_none_twice_and_keeps_one_incident()
    {
        var data = Path.Combine(_work, "monitor-data");
        var ports = Hosts.Select(_ => LoopbackPort.Free()).ToArray();
        var endpoints = ports.Select(port => $"127.0.0.1:{port}").ToArray();
        for (var index = 0; index < ports.Length; index++)
        {
            _monitors.Add(SecureMonitorProcess.Start(
                ["monitor", "--pki", _pki.Root, "--listen", endpoints[index], "--data", data, "--node-id", $"monitor-{index + 1}"],
                new Dictionary<string, string>
                {
                    ["SM_CORRELATION_MIN_HOSTS"] = "3",
                    ["SM_CORRELATION_WINDOW"] = "5m",
                    ["SM_CORRELATION_STORM_ALERTS"] = "100000",
                    ["SM_CORRELATION_QUIET_PERIOD"] = "10m",
                    ["SM_LOG_FORMAT"] = "console",
                }, _work));
        }
        foreach (var (monitor, endpoint) in _monitors.Zip(endpoints))
        {
            await monitor.WaitForLinesAsync(line => line.Contains($"listening on {endpoint}", StringComparison.Ordinal), 1, $"monitor on {endpoint} to start");
        }
        var leader = Assert.Single(_monitors, monitor => monitor.CountLines(line => line.Contains("role leader", StringComparison.Ordinal)) == 1);

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

        while (_load.Flips < FlipsBeforeKill)
        {
            await _load.FlipAsync(_watchers);
        }
        await WaitForStoredAsync(FlipsBeforeKill);
        var killedAt = Stopwatch.StartNew();
        await leader.KillHardAsync();
        while (_load.Flips < Flips)
        {
            await _load.FlipAsync(_watchers); // raised while the cluster fails over: spooled, then delivered to the new leader
        }
        await WaitForStoredAsync(Flips);
        output.WriteLine($"all {Flips * Hosts.Length} alerts stored {killedAt.Elapsed.TotalSeconds:0.0} s after the kill");

        await using var store = await OpenStoreAsync(data);
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

    private async Task WaitForStoredAsync(int perHost)
    {
        await using var store = await OpenStoreAsync(Path.Combine(_work, "monitor-data"));
        var counts = new Dictionary<string, int>();
        await Eventually.WaitUntilAsync(() =>
        {
            foreach (var host in Hosts)
            {
                counts[host] = store.ListAlertsAsync(new AlertQuery { Host = host, Limit = 1000 }).GetAwaiter().GetResult().Count;
            }
            return counts.Values.All(count => count >= perHost);
        }, () => $"expected {perHost} alerts per host in the store; it has {string.Join(", ", counts)}", TimeSpan.FromSeconds(45));
    }

    private static async Task<IMonitorStore> OpenStoreAsync(string data)
    {
        var store = new SqliteMonitorStore(new SqliteMonitorStoreOptions { DataDirectory = data });
        await store.MigrateAsync();
        return store;
    }
}
