using System.Diagnostics;
using System.Globalization;
using SecureMonitor.Benchmarks.Reporting;
using SecureMonitor.Storage;
using SecureMonitor.Storage.Sqlite;
using SecureMonitor.TestKit.Monitors;
using SecureMonitor.TestKit.Processes;

namespace SecureMonitor.Benchmarks.Failover;

/// <summary>
/// <c>failover [--kills 10]</c>: three monitor processes on one store with default cluster settings and
/// three watcher processes with default reconnect settings. Each round kills the leader with kill -9,
/// raises an alert in every watcher at once, and times how long until the new leader has stored (and
/// so acknowledged) all of them; the killed node is restarted before the next round.
/// </summary>
public static class FailoverBenchmark
{
    private static readonly string[] Hosts = ["web-01", "web-02", "web-03"];

    public static async Task<int> RunAsync(string[] args)
    {
        var kills = args is ["--kills", var count, ..] ? int.Parse(count, CultureInfo.InvariantCulture) : 10;
        var work = Directory.CreateTempSubdirectory("sm-failover-bench-").FullName;
        var data = Path.Combine(work, "monitor-data");
        using var pki = PkiFixture.WithWatchers(Hosts);
        var load = new ScriptedLoadWatchers(work);
        var ports = Hosts.Select(_ => LoopbackPort.Free()).ToArray();
        var endpoints = ports.Select(port => $"127.0.0.1:{port}").ToArray();
        var monitors = new SecureMonitorProcess[ports.Length];
        var watchers = new List<SecureMonitorProcess>();
        try
        {
            for (var index = 0; index < monitors.Length; index++)
            {
                monitors[index] = await StartMonitorAsync(pki, endpoints[index], data, index, work);
            }
            load.WriteLoad(0);
            foreach (var host in Hosts)
            {
                // The shipped reconnect defaults: failover time includes the watchers' own backoff.
                watchers.Add(SecureMonitorProcess.Start(["watcher", "--config",
                    load.WriteConfig(host, pki.Paths.WatcherBundle(host), endpoints, heartbeat: "5s", minBackoff: "250ms", maxBackoff: "30s")],
                    workingDirectory: work));
            }
            await using var store = new SqliteMonitorStore(new SqliteMonitorStoreOptions { DataDirectory = data });
            await store.MigrateAsync();
            await load.FlipAsync(watchers);
            await WaitForStoredAsync(store, load.Flips, TimeSpan.FromSeconds(60));

            var times = new List<TimeSpan>();
            for (var round = 1; round <= kills; round++)
            {
                var lease = await store.ReadLeaseAsync();
                var leaderIndex = int.Parse(lease.Holder!["monitor-".Length..], CultureInfo.InvariantCulture) - 1;
                var clock = Stopwatch.StartNew();
                await monitors[leaderIndex].KillHardAsync();
                await load.FlipAsync(watchers);
                await WaitForStoredAsync(store, load.Flips, TimeSpan.FromSeconds(60));
                times.Add(clock.Elapsed);
                var next = await store.ReadLeaseAsync();
                Console.WriteLine($"round {round}: killed {lease.Holder} (epoch {lease.Epoch}); {next.Holder} (epoch {next.Epoch}) stored the next alerts after {clock.Elapsed.TotalSeconds:0.00} s");

                await monitors[leaderIndex].DisposeAsync();
                monitors[leaderIndex] = await StartMonitorAsync(pki, endpoints[leaderIndex], data, leaderIndex, work);
            }
            var sorted = times.Order().ToList();
            var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
            Console.WriteLine($"failover over {kills} kills (kill -9 of the leader to the first alerts stored by the new leader): " +
                $"median {median.TotalSeconds:0.00} s, max {sorted[^1].TotalSeconds:0.00} s, min {sorted[0].TotalSeconds:0.00} s");
            ResultLine.Print("failover.median_s", median.TotalSeconds, "s");
            ResultLine.Print("failover.max_s", sorted[^1].TotalSeconds, "s");
            ResultLine.Print("failover.kills", kills, "kills");
            return 0;
        }
        finally
        {
            foreach (var process in watchers.Concat(monitors.Where(monitor => monitor is not null)))
            {
                await process.DisposeAsync();
            }
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<SecureMonitorProcess> StartMonitorAsync(PkiFixture pki, string endpoint, string data, int index, string work)
    {
        var monitor = SecureMonitorProcess.Start(
            ["monitor", "--pki", pki.Root, "--listen", endpoint, "--data", data, "--node-id", $"monitor-{index + 1}"],
            new Dictionary<string, string> { ["SM_LOG_FORMAT"] = "console" }, work);
        await monitor.WaitForLinesAsync(line => line.Contains($"listening on {endpoint}", StringComparison.Ordinal), 1, $"monitor on {endpoint} to start");
        return monitor;
    }

    private static async Task WaitForStoredAsync(IMonitorStore store, int perHost, TimeSpan within)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var stored = 0;
            foreach (var host in Hosts)
            {
                stored += (await store.ListAlertsAsync(new AlertQuery { Host = host, Limit = 1000 })).Count >= perHost ? 1 : 0;
            }
            if (stored == Hosts.Length)
            {
                return;
            }
            if (deadline.Elapsed > within)
            {
                throw new TimeoutException($"alerts not stored within {within}");
            }
            await Task.Delay(10); // a benchmark's polling resolution, not a test's wait
        }
    }
}
