using System.Diagnostics;
using System.Globalization;
using SecureMonitor.Benchmarks.Reporting;
using SecureMonitor.Pki;
using SecureMonitor.TestKit.Processes;
using SecureMonitor.Transport;

namespace SecureMonitor.Benchmarks.Scaling;

/// <summary>
/// <c>storm [--watchers 10000] [--reconnect-concurrency 64]</c>: three monitor processes in one cluster (two
/// would split 1:1 when one dies, and keep-majority then keeps the lower address, dead or not); N
/// virtual watchers (each its own identity, TLS 1.3, heartbeat every 5 s) connect to the singleton's node;
/// then that node is killed with kill -9 and every watcher reconnects to the others: told "not leader; try X"
/// it goes to X at once, otherwise it retries the next after a jittered 250-1,000 ms, with at most reconnect-concurrency
/// handshakes in flight (real watchers spread their reconnects with jittered backoff). Reports the time
/// from the kill until every watcher has a heartbeat acknowledged by the new singleton's node.
/// </summary>
internal static class ReconnectStormBenchmark
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StormLimit = TimeSpan.FromMinutes(5);

    public static async Task<int> RunAsync(string[] args)
    {
        var count = int.Parse(ScalingBenchmark.Option(args, "--watchers", "10000"), CultureInfo.InvariantCulture);
        var concurrency = int.Parse(ScalingBenchmark.Option(args, "--reconnect-concurrency", "64"), CultureInfo.InvariantCulture);
        var work = Directory.CreateTempSubdirectory("sm-storm-bench-").FullName;
        SecureMonitorProcess? first = null, second = null, third = null;
        var connections = new HeartbeatConnection?[count];
        IdentityBundle[] identities = [];
        try
        {
            var pki = new PkiDirectory(Path.Combine(work, "pki"));
            pki.Init("reconnect storm benchmark", ["127.0.0.1"]);
            var bundles = pki.IssueWatchers([.. Enumerable.Range(0, count).Select(index => $"storm-{index:D5}")])
                .Select(issued => issued.BundleDirectory).ToList();
            // Loaded once and kept, as each real watcher keeps its own identity (and its TLS context) for its lifetime.
            identities = [.. bundles.Select(IdentityBundle.Load)];
            var data = Path.Combine(work, "data");
            var (edgeA, edgeB) = (new MonitorEndpoint("127.0.0.1", LoopbackPort.Free()), new MonitorEndpoint("127.0.0.1", LoopbackPort.Free()));
            var (clusterA, clusterB, clusterC) = (LoopbackPort.Free(), LoopbackPort.Free(), LoopbackPort.Free());
            var seeds = $"127.0.0.1:{clusterA}";
            first = await StartMonitorAsync(pki.Paths.Root, data, edgeA, clusterA, seeds, "storm-a", count, work);
            second = await StartMonitorAsync(pki.Paths.Root, data, edgeB, clusterB, seeds, "storm-b", count, work);
            // Three, so the survivors of the kill are a majority; watchers try the two in turn, as a watcher
            // given every monitor's endpoint does.
            var edgeC = new MonitorEndpoint("127.0.0.1", LoopbackPort.Free());
            third = await StartMonitorAsync(pki.Paths.Root, data, edgeC, clusterC, seeds, "storm-c", count, work);
            MonitorEndpoint[] survivors = [edgeB, edgeC];

            var window = new MeasuredWindow();
            window.Open();
            var connecting = Stopwatch.StartNew();
            await ForEachAsync(count, 32, async index =>
            {
                // The first node may still be taking the lease when the first watchers arrive.
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        var connection = await HeartbeatConnection.OpenAsync(identities[index], edgeA, window, ConnectTimeout, CancellationToken.None);
                        connection.Start(HeartbeatInterval * index / count, HeartbeatInterval);
                        connections[index] = connection;
                        return;
                    }
                    catch (TransportException) when (attempt < 240)
                    {
                        await Task.Delay(250);
                    }
                }
            });
            Console.WriteLine($"storm: {count:N0} watchers connected to the singleton's node in {connecting.Elapsed.TotalSeconds:0.0} s");

            var storm = Stopwatch.StartNew();
            await first.KillHardAsync();
            foreach (var connection in connections.OfType<HeartbeatConnection>())
            {
                await connection.StopAsync();
                await connection.DisposeAsync();
            }
            var attempts = 0;
            var redirects = 0;
            var back = new double[count];
            await ForEachAsync(count, concurrency, async index =>
            {
                // As a watcher given every monitor's endpoint, in the one order the fleet's configuration lists
                // them: after the first it tries the next, follows "not leader; try X" at once, and otherwise
                // backs off (jittered) and tries the one after.
                var target = survivors[0];
                for (var attempt = index; ; attempt++)
                {
                    Interlocked.Increment(ref attempts);
                    try
                    {
                        var connection = await HeartbeatConnection.OpenAsync(identities[index], target, window, ConnectTimeout, CancellationToken.None);
                        connection.Start(TimeSpan.Zero, HeartbeatInterval);
                        connections[index] = connection;
                        var deadline = Stopwatch.StartNew();
                        while (connection.AcknowledgedCount == 0 && connection.IsOpen && deadline.Elapsed < ConnectTimeout)
                        {
                            await Task.Delay(20); // a benchmark's resolution for "its first heartbeat is acknowledged"
                        }
                        if (connection.AcknowledgedCount > 0)
                        {
                            back[index] = storm.Elapsed.TotalSeconds;
                            return;
                        }
                        await connection.DisposeAsync();
                    }
                    catch (NotLeaderException redirect) when (redirect.TryEndpoints.Count > 0 && !redirect.TryEndpoints[0].Equals(target))
                    {
                        Interlocked.Increment(ref redirects);
                        target = redirect.TryEndpoints[0];
                        continue;
                    }
                    catch (Exception error) when (error is TransportException or IOException or TimeoutException)
                    {
                        // Refused while the cluster takes over, or no leader known yet: try the next one shortly.
                    }
                    if (storm.Elapsed > StormLimit)
                    {
                        throw new TimeoutException($"watcher {index} was not back within {StormLimit}");
                    }
                    target = survivors[(Array.IndexOf(survivors, target) + 1) % survivors.Length];
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(250, 1000)));
                }
            });
            var all = back.Max();
            var sorted = back.Order().ToList();
            Console.WriteLine($"storm: after kill -9 of the singleton's node, all {count:N0} watchers were back with a heartbeat acknowledged by the other node " +
                $"in {all:0.0} s (half in {sorted[count / 2]:0.0} s); {attempts:N0} connection attempts ({redirects:N0} sent on by a follower), {concurrency} at a time");
            ResultLine.Print("storm.watchers", count, "watchers");
            ResultLine.Print("storm.all_back_s", all, "s");
            ResultLine.Print("storm.half_back_s", sorted[count / 2], "s");
            ResultLine.Print("storm.attempts", attempts, "attempts");
            ResultLine.Print("storm.redirects", redirects, "attempts");
            return 0;
        }
        finally
        {
            foreach (var connection in connections.OfType<HeartbeatConnection>())
            {
                await connection.DisposeAsync();
            }
            foreach (var monitor in new[] { first, second, third }.OfType<SecureMonitorProcess>())
            {
                await monitor.DisposeAsync();
            }
            foreach (var identity in identities)
            {
                identity.Dispose();
            }
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task ForEachAsync(int count, int concurrency, Func<int, Task> body)
    {
        using var gate = new SemaphoreSlim(concurrency);
        await Task.WhenAll(Enumerable.Range(0, count).Select(async index =>
        {
            await gate.WaitAsync();
            try
            {
                await body(index);
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    private static async Task<SecureMonitorProcess> StartMonitorAsync(string pki, string data, MonitorEndpoint edge, int clusterPort, string seeds,
        string node, int count, string work)
    {
        var monitor = SecureMonitorProcess.Start(
            ["monitor", "--pki", pki, "--listen", edge.ToString(), "--data", data, "--node-id", node,
                "--cluster-port", clusterPort.ToString(CultureInfo.InvariantCulture), "--seed-nodes", seeds],
            new Dictionary<string, string>
            {
                ["SM_LOG_FORMAT"] = "console",
                ["SM_LIMITS_MAX_CONNECTIONS"] = Math.Max(20_000, 2 * count).ToString(CultureInfo.InvariantCulture),
            }, work);
        await monitor.WaitForClusterMembershipAsync(TimeSpan.FromSeconds(120));
        return monitor;
    }

}
