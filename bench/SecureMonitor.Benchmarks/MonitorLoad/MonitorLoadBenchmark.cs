using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using SecureMonitor.Benchmarks.Protocol;
using SecureMonitor.Benchmarks.Reporting;
using SecureMonitor.Benchmarks.Transport;
using SecureMonitor.Protocol.Sealing;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Transport;

namespace SecureMonitor.Benchmarks.MonitorLoad;

/// <summary>
/// <c>dotnet run -c Release --project bench/SecureMonitor.Benchmarks -- monitor-load [--watchers N] [--alerts N] [--rounds N]</c>:
/// a real monitor node (TLS 1.3, full verification, SQLite with durable group commits) in a process of
/// its own, loaded by N watcher connections on loopback from this one. Reports (1) alerts/s verified,
/// stored and acknowledged with every connection pipelining, beside the raw seal+open rate measured in
/// the same run (the crypto limit), with the CPU time each process spent per 1,000 alerts (the figure
/// to judge changes by on a shared machine); and (2) send-to-acknowledge latency p50/p99 at a fixed
/// 5,000 alerts/s. Latency needs a paced open-loop load, which BenchmarkDotNet does not do, hence a
/// runner of its own.
/// </summary>
internal static class MonitorLoadBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var watchers = Option(args, "--watchers", 64);
        var perConnection = Option(args, "--alerts", 5_000);
        var rounds = Option(args, "--rounds", 3);
        var latencySeconds = Option(args, "--latency-seconds", 10);
        Console.WriteLine($"monitor-load: {watchers} watchers, {perConnection:N0} alerts each per round, {Environment.ProcessorCount} cores, .NET {Environment.Version}; load average {LoadAverage()}");
        var raw = RawSealOpenPerSecond();
        Console.WriteLine($"raw seal+open (256 B, one core): {raw:N0}/s");

        await using var transport = LoopbackTransport.CreateWithTemporaryPki();
        var bundles = Enumerable.Range(0, watchers).Select(index => transport.IssueWatcher($"load-{index:D4}")).ToList();
        // Per-host limits are policy, not capacity: lift them so the node's own limit shows.
        await using var node = await MonitorNodeProcess.StartAsync(transport.Paths.Root, Path.Combine(transport.Paths.Root, "data"), 1_000_000);
        var endpoint = new MonitorEndpoint("127.0.0.1", node.Port);
        var connections = await Task.WhenAll(bundles.Select(bundle => LoadConnection.OpenAsync(bundle, endpoint)));

        // Untimed: the node's code reaches its optimised tier before anything is measured.
        await SendAllAsync(connections, 1_000);
        var best = 0.0;
        for (var round = 1; round <= rounds; round++)
        {
            var prepared = connections.Select(connection => connection.Prepare(perConnection)).ToList();
            var nodeMemory = await node.MemoryAsync();
            var (nodeCpu, ownCpu) = (node.CpuTime, Process.GetCurrentProcess().TotalProcessorTime);
            var stopwatch = Stopwatch.StartNew();
            await Task.WhenAll(connections.Select((connection, index) => connection.SendPipelinedAsync(prepared[index])));
            var elapsed = stopwatch.Elapsed;
            var alerts = watchers * (double)perConnection;
            var nodeMs = (node.CpuTime - nodeCpu).TotalMilliseconds;
            var ownMs = (Process.GetCurrentProcess().TotalProcessorTime - ownCpu).TotalMilliseconds;
            var memory = await node.MemoryAsync() - nodeMemory;
            var throughput = alerts / elapsed.TotalSeconds;
            best = Math.Max(best, throughput);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round}: {throughput:N0} alerts/s verified, stored (durable) and acknowledged ({throughput / raw:P0} of raw seal+open); " +
                $"CPU s per 1,000 alerts: monitor {nodeMs / alerts:0.0000}, load generator {ownMs / alerts:0.0000}; " +
                $"both busy {(nodeMs + ownMs) / elapsed.TotalMilliseconds:0.00} cores; " +
                $"monitor allocated {memory.AllocatedBytes / alerts:N0} B per alert, GCs {memory.Gen0}/{memory.Gen1}/{memory.Gen2}"));
        }
        Console.WriteLine($"throughput (best round): {best:N0} alerts/s ({best / raw:P0} of raw seal+open)");

        var latencies = await PacedAsync(connections, alertsPerSecond: 5_000, TimeSpan.FromSeconds(latencySeconds));
        latencies.Sort();
        ResultLine.Print("monitor_load.raw_seal_open_per_s", raw, "ops/s");
        ResultLine.Print("monitor_load.alerts_per_s", best, "alerts/s"); // the best round
        ResultLine.Print("monitor_load.share_of_raw_pct", 100 * best / raw, "%");
        ResultLine.Print("monitor_load.p50_ms_at_5000", Percentile.Of(latencies, 0.50), "ms");
        ResultLine.Print("monitor_load.p99_ms_at_5000", Percentile.Of(latencies, 0.99), "ms");
        Console.WriteLine($"latency at 5,000 alerts/s: p50 {Percentile.Of(latencies, 0.50):0.0} ms, p99 {Percentile.Of(latencies, 0.99):0.0} ms, max {latencies[^1]:0.0} ms ({latencies.Count:N0} alerts)");
        Console.WriteLine($"load average at the end: {LoadAverage()}");

        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }
        return 0;
    }

    private static async Task SendAllAsync(LoadConnection[] connections, int perConnection)
    {
        var prepared = connections.Select(connection => connection.Prepare(perConnection)).ToList();
        await Task.WhenAll(connections.Select((connection, index) => connection.SendPipelinedAsync(prepared[index])));
    }

    /// <summary>Seal and open of the benchmark's 256-byte alert on one core, after a warm-up.</summary>
    private static double RawSealOpenPerSecond()
    {
        var psk = new byte[32];
        using var sealKey = EnvelopeKey.Derive(psk, "raw", 1, Direction.WatcherToMonitor);
        using var keys = new InMemoryEnvelopeKeys();
        keys.AddKey("raw", 1, psk);
        var sealer = new EnvelopeSealer(sealKey);
        var opener = new EnvelopeOpener(Direction.WatcherToMonitor);
        var alert = ProtocolBenchmarkData.Alert256().ToByteArray();
        var count = 0;
        double Run(TimeSpan duration)
        {
            var stopwatch = Stopwatch.StartNew();
            var start = count;
            while (stopwatch.Elapsed < duration)
            {
                var sealedEnvelope = sealer.Seal((ulong)count + 1, 0, alert);
                if (!opener.TryOpen(sealedEnvelope, "raw", keys, out _, out _))
                {
                    throw new InvalidOperationException("raw open failed");
                }
                count++;
            }
            return (count - start) / stopwatch.Elapsed.TotalSeconds;
        }
        Run(TimeSpan.FromSeconds(1));
        return Run(TimeSpan.FromSeconds(2));
    }

    /// <summary>Open loop: alerts are sent at their scheduled instants whatever the replies do, so a
    /// slow monitor shows as latency, not as a lower send rate (no coordinated omission).</summary>
    private static async Task<List<double>> PacedAsync(LoadConnection[] connections, int alertsPerSecond, TimeSpan duration)
    {
        var perConnection = (double)alertsPerSecond / connections.Length;
        var results = await Task.WhenAll(connections.Select(connection => connection.SendPacedAsync(perConnection, duration)));
        return [.. results.SelectMany(list => list)];
    }

    private static int Option(string[] args, string name, int fallback) =>
        args.SkipWhile(arg => arg != name).Skip(1).Select(value => int.Parse(value, CultureInfo.InvariantCulture)).FirstOrDefault(fallback);

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}
