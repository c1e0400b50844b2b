using System.Collections.Concurrent;
using System.Diagnostics;
using Google.Protobuf;
using SecureMonitor.Benchmarks.Protocol;
using SecureMonitor.Benchmarks.Reporting;
using SecureMonitor.Benchmarks.Transport;
using SecureMonitor.Pki;
using SecureMonitor.Protocol.Sealing;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Transport;

namespace SecureMonitor.Benchmarks.MonitorLoad;

/// <summary>
/// <c>dotnet run -c Release --project bench/SecureMonitor.Benchmarks -- monitor-load [--watchers N]</c>:
/// a real monitor node (TLS 1.3, full verification, SQLite with durable group commits) loaded by N
/// watcher connections on loopback. Reports (1) alerts/s verified, stored and acknowledged with every
/// connection pipelining, beside the raw seal+open rate measured in the same run (the crypto limit),
/// and (2) send-to-acknowledge latency p50/p99 at a fixed 5,000 alerts/s. Latency needs a paced
/// open-loop load, which BenchmarkDotNet does not do, hence a runner of its own.
/// </summary>
internal static class MonitorLoadBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var watchers = args.SkipWhile(arg => arg != "--watchers").Skip(1).Select(int.Parse).FirstOrDefault(64);
        Console.WriteLine($"monitor-load: {watchers} watchers, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        var raw = RawSealOpenPerSecond();
        Console.WriteLine($"raw seal+open (256 B, one core): {raw:N0}/s");

        await using var transport = LoopbackTransport.CreateWithTemporaryPki();
        var bundles = Enumerable.Range(0, watchers).Select(index => transport.IssueWatcher($"load-{index:D4}")).ToList();
        // Per-host limits are policy, not capacity: lift them so the node's own limit shows.
        var (_, endpoint) = await transport.StartMonitorNodeAsync(hostMessagesPerSecond: 1_000_000);
        var connections = await Task.WhenAll(bundles.Select(bundle => LoadConnection.OpenAsync(bundle, endpoint)));

        const int perConnection = 3_000;
        var sealedAlerts = connections.Select(connection => connection.PreSeal(perConnection)).ToList();
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(connections.Select((connection, index) => connection.SendPipelinedAsync(sealedAlerts[index])));
        var throughput = watchers * (double)perConnection / stopwatch.Elapsed.TotalSeconds;
        Console.WriteLine($"throughput: {throughput:N0} alerts/s verified, stored (durable) and acknowledged ({throughput / raw:P0} of raw seal+open)");

        var latencies = await PacedAsync(connections, alertsPerSecond: 5_000, TimeSpan.FromSeconds(10));
        latencies.Sort();
        ResultLine.Print("monitor_load.raw_seal_open_per_s", raw, "ops/s");
        ResultLine.Print("monitor_load.alerts_per_s", throughput, "alerts/s");
        ResultLine.Print("monitor_load.share_of_raw_pct", 100 * throughput / raw, "%");
        ResultLine.Print("monitor_load.p50_ms_at_5000", Percentile.Of(latencies, 0.50), "ms");
        ResultLine.Print("monitor_load.p99_ms_at_5000", Percentile.Of(latencies, 0.99), "ms");
        Console.WriteLine($"latency at 5,000 alerts/s: p50 {Percentile.Of(latencies, 0.50):0.0} ms, p99 {Percentile.Of(latencies, 0.99):0.0} ms, max {latencies[^1]:0.0} ms ({latencies.Count:N0} alerts)");

        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }
        return 0;
    }

    private static double RawSealOpenPerSecond()
    {
        var psk = new byte[32];
        using var sealKey = EnvelopeKey.Derive(psk, "raw", 1, Direction.WatcherToMonitor);
        var keys = new InMemoryEnvelopeKeys();
        keys.AddKey("raw", 1, psk);
        var sealer = new EnvelopeSealer(sealKey);
        var opener = new EnvelopeOpener(Direction.WatcherToMonitor);
        var alert = ProtocolBenchmarkData.Alert256().ToByteArray();
        var stopwatch = Stopwatch.StartNew();
        var count = 0;
        while (stopwatch.ElapsedMilliseconds < 1_000)
        {
            var sealedEnvelope = sealer.Seal((ulong)count + 1, 0, alert);
            if (!opener.TryOpen(sealedEnvelope, "raw", keys, out _, out _))
            {
                throw new InvalidOperationException("raw open failed");
            }
            count++;
        }
        keys.Dispose();
        return count / stopwatch.Elapsed.TotalSeconds;
    }

    /// <summary>Open loop: alerts are sent at their scheduled instants whatever the replies do, so a
    /// slow monitor shows as latency, not as a lower send rate (no coordinated omission).</summary>
    private static async Task<List<double>> PacedAsync(LoadConnection[] connections, int alertsPerSecond, TimeSpan duration)
    {
        var perConnection = (double)alertsPerSecond / connections.Length;
        var results = new ConcurrentBag<List<double>>();
        await Task.WhenAll(connections.Select(async connection =>
        {
            results.Add(await connection.SendPacedAsync(perConnection, duration));
        }));
        return [.. results.SelectMany(list => list)];
    }
}
