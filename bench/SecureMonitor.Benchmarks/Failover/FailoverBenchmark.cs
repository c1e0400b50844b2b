using System.Diagnostics;
using System.Globalization;
using SecureMonitor.Benchmarks.Reporting;
using SecureMonitor.Storage;
using SecureMonitor.Storage.Sqlite;
using SecureMonitor.TestKit.Monitors;
using SecureMonitor.TestKit.Processes;

namespace SecureMonitor.Benchmarks.Failover;

/// <summary>
/// <c>failover [--kills 10] [--handovers 5] [--stress]</c>: three monitor processes forming one Akka cluster
/// on one store, with the shipped cluster settings, and three watcher processes with the shipped
/// reconnect settings. Each kill round kills the singleton's node with kill -9, raises an alert in every
/// watcher at once, and times how long until the new singleton's node has stored (and so acknowledged)
/// all of them; each handover round does the same with SIGTERM (the node leaves and hands the singleton
/// over). The stopped node is restarted before the next round. It checks that every alert raised was
/// stored exactly once, and counts false downings: healthy nodes that left the cluster (exit 75).
/// <c>--stress</c> runs <c>stress-ng --cpu 3</c> alongside, on this 2-core machine.
/// </summary>
public static class FailoverBenchmark
{
    private static readonly string[] Hosts = ["web-01", "web-02", "web-03"];

    /// <summary>How long membership gets to settle after a stopped node rejoins, before the next round.</summary>
    private static readonly TimeSpan SettleAfterRejoin = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string[] args)
    {
        var kills = Option(args, "--kills", 10);
        var handovers = Option(args, "--handovers", 5);
        var stress = args.Contains("--stress");
        var work = Directory.CreateTempSubdirectory("sm-failover-bench-").FullName;
        var data = Path.Combine(work, "monitor-data");
        using var pki = PkiFixture.WithWatchers(Hosts);
        var load = new ScriptedLoadWatchers(work);
        var endpoints = Hosts.Select(_ => $"127.0.0.1:{LoopbackPort.Free()}").ToArray();
        var clusterPorts = Hosts.Select(_ => LoopbackPort.Free()).ToArray();
        var seeds = string.Join(",", clusterPorts.Select(port => $"127.0.0.1:{port}"));
        var monitors = new SecureMonitorProcess[endpoints.Length];
        var watchers = new List<SecureMonitorProcess>();
        Process? stressor = null;
        var falseDownings = 0;
        try
        {
            for (var index = 0; index < monitors.Length; index++)
            {
                monitors[index] = await StartMonitorAsync(pki, endpoints[index], clusterPorts[index], seeds, data, index, work);
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
            await WaitForStoredAsync(store, load.Flips, TimeSpan.FromSeconds(90));
            if (stress)
            {
                stressor = Process.Start(new ProcessStartInfo("stress-ng", ["--cpu", "3", "--timeout", "3600s", "--quiet"]) { UseShellExecute = false })
                    ?? throw new InvalidOperationException("could not start stress-ng");
            }

            async Task<TimeSpan> RoundAsync(string kind, int round, Func<SecureMonitorProcess, Task> stop)
            {
                var lease = await store.ReadLeaseAsync();
                var holderIndex = Array.FindIndex(clusterPorts, port => lease.Holder?.Contains($":{port}#", StringComparison.Ordinal) == true);
                if (holderIndex < 0)
                {
                    throw new InvalidOperationException($"no monitor holds the lease ({lease.Holder})");
                }
                var clock = Stopwatch.StartNew();
                await stop(monitors[holderIndex]);
                await load.FlipAsync(watchers);
                try
                {
                    await WaitForStoredAsync(store, load.Flips, TimeSpan.FromSeconds(90));
                }
                catch (TimeoutException)
                {
                    // What each process last said, so a failed round can be understood.
                    foreach (var (process, name) in monitors.Select((m, i) => (m, $"monitor-{i + 1}")).Concat(watchers.Select((w, i) => (w, Hosts[i]))))
                    {
                        Console.Error.WriteLine($"--- {name} ---");
                        foreach (var line in process.Lines.Where(l => !l.Contains("atcher:") && !l.Contains("spooled") && !l.Contains("not the leader")).TakeLast(60))
                        {
                            Console.Error.WriteLine(line.Length > 900 ? line[..900] : line);
                        }
                    }
                    throw;
                }
                var elapsed = clock.Elapsed;
                var next = await store.ReadLeaseAsync();
                Console.WriteLine($"{kind} {round}: stopped monitor-{holderIndex + 1} (epoch {lease.Epoch}); epoch {next.Epoch} stored the next alerts after {elapsed.TotalSeconds:0.00} s");
                for (var other = 0; other < monitors.Length; other++)
                {
                    if (other != holderIndex && monitors[other].HasExited)
                    {
                        falseDownings++;
                        Console.WriteLine($"  monitor-{other + 1} was healthy and left the cluster (exit {monitors[other].ExitCode}): a false downing");
                        await monitors[other].DisposeAsync();
                        monitors[other] = await StartMonitorAsync(pki, endpoints[other], clusterPorts[other], seeds, data, other, work);
                    }
                }
                await monitors[holderIndex].DisposeAsync();
                monitors[holderIndex] = await StartMonitorAsync(pki, endpoints[holderIndex], clusterPorts[holderIndex], seeds, data, holderIndex, work);
                // Let membership settle after the rejoin (gossip, the resolver's stable-after) before the next
                // node is stopped: in production nodes are not stopped back to back within seconds.
                await Task.Delay(SettleAfterRejoin);
                return elapsed;
            }

            var killTimes = new List<TimeSpan>();
            for (var round = 1; round <= kills; round++)
            {
                killTimes.Add(await RoundAsync("kill -9", round, monitor => monitor.KillHardAsync()));
            }
            var handoverTimes = new List<TimeSpan>();
            for (var round = 1; round <= handovers; round++)
            {
                handoverTimes.Add(await RoundAsync("SIGTERM", round, monitor => monitor.StopAsync(TimeSpan.FromSeconds(30))));
            }

            var (lost, twice) = await CountLostAndDuplicatedAsync(store, load.Flips);
            var suffix = stress ? "_stressed" : "";
            Report($"failover{suffix}", "kill -9", killTimes);
            Report($"failover{suffix}.handover", "SIGTERM", handoverTimes);
            Console.WriteLine($"alerts lost: {lost}, stored twice: {twice}; false downings of healthy nodes: {falseDownings}{(stress ? " (under stress-ng --cpu 3)" : "")}");
            ResultLine.Print($"failover{suffix}.kills", kills, "kills");
            ResultLine.Print($"failover{suffix}.lost", lost, "alerts");
            ResultLine.Print($"failover{suffix}.duplicated", twice, "alerts");
            ResultLine.Print($"failover{suffix}.false_downings", falseDownings, "nodes");
            return 0;
        }
        finally
        {
            if (stressor is { HasExited: false })
            {
                stressor.Kill(entireProcessTree: true);
            }
            foreach (var process in watchers.Concat(monitors.Where(monitor => monitor is not null)))
            {
                await process.DisposeAsync();
            }
            Directory.Delete(work, recursive: true);
        }
    }

    private static void Report(string name, string kind, List<TimeSpan> times)
    {
        if (times.Count == 0)
        {
            return;
        }
        var sorted = times.Order().ToList();
        var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        Console.WriteLine($"{kind} of the singleton's node to the first alerts stored by the next one, {times.Count} rounds: " +
            $"median {median.TotalSeconds:0.00} s, max {sorted[^1].TotalSeconds:0.00} s, min {sorted[0].TotalSeconds:0.00} s");
        ResultLine.Print($"{name}.median_s", median.TotalSeconds, "s");
        ResultLine.Print($"{name}.max_s", sorted[^1].TotalSeconds, "s");
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static async Task<SecureMonitorProcess> StartMonitorAsync(PkiFixture pki, string endpoint, int clusterPort, string seeds, string data,
        int index, string work)
    {
        var monitor = SecureMonitorProcess.Start(
            ["monitor", "--pki", pki.Root, "--listen", endpoint, "--data", data, "--node-id", $"monitor-{index + 1}",
                "--cluster-port", clusterPort.ToString(CultureInfo.InvariantCulture), "--seed-nodes", seeds],
            new Dictionary<string, string> { ["SM_LOG_FORMAT"] = "console" }, work);
        await monitor.WaitForLinesAsync(line => line.Contains($"listening on {endpoint}", StringComparison.Ordinal), 1, $"monitor on {endpoint} to start");
        // A member of the cluster (the first node forms it; the others are welcomed), so a round never
        // stops a node before the others could take over from it.
        await monitor.WaitForClusterMembershipAsync(TimeSpan.FromSeconds(60));
        return monitor;
    }

    /// <summary>Every watcher raised one alert per flip: each must be stored exactly once.</summary>
    private static async Task<(int Lost, int Twice)> CountLostAndDuplicatedAsync(IMonitorStore store, int flips)
    {
        var (lost, twice) = (0, 0);
        foreach (var host in Hosts)
        {
            var alerts = await store.ListAlertsAsync(new AlertQuery { Host = host, Limit = 10_000 });
            lost += Math.Max(0, flips - alerts.Count);
            twice += alerts.Count - alerts.Select(alert => alert.Sequence).Distinct().Count();
        }
        return (lost, twice);
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
