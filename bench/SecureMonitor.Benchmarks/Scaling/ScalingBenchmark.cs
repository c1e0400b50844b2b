using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using SecureMonitor.Benchmarks.Reporting;
using SecureMonitor.Pki;
using SecureMonitor.TestKit.Processes;
using SecureMonitor.Transport;

namespace SecureMonitor.Benchmarks.Scaling;

/// <summary>
/// <c>scaling [--watchers 100,1000,10000] [--duration 60s] [--connect-concurrency 32]</c>: for each
/// count N, a real monitor process (the CLI, default settings, SQLite) and N virtual watchers in this
/// one process (async, no thread per connection), each with its own certificate and pre-shared key,
/// connected over TLS 1.3 with at most connect-concurrency handshakes at a time, holding its
/// connection and sending a sealed heartbeat every 5 s (offsets spread evenly). Once all are
/// connected and one heartbeat interval has passed, the steady window of --duration begins; over it:
/// heartbeat acknowledgement latency p50/p99, the monitor's CPU (% of one core, utime+stime) and RSS,
/// the load generator's own CPU and RSS; at its end, the connections still held and every error.
/// Identities are issued once for the largest N; steps share one data directory, so a host's
/// sequence numbers continue across steps (no nonce is reused under a key).
/// </summary>
internal static class ScalingBenchmark
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(15);

    public static async Task<int> RunAsync(string[] args)
    {
        var counts = Option(args, "--watchers", "100,1000,10000").Split(',').Select(count => int.Parse(count, CultureInfo.InvariantCulture)).ToArray();
        var duration = ParseDuration(Option(args, "--duration", "60s"));
        var concurrency = int.Parse(Option(args, "--connect-concurrency", "32"), CultureInfo.InvariantCulture);

        using var interrupted = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
        void Interrupt(PosixSignalContext context)
        {
            context.Cancel = true; // clean up (monitor process, temporary directory) before exiting
            interrupted.Cancel();
        }

        Console.WriteLine($"scaling: {string.Join(", ", counts)} watchers, {duration.TotalSeconds:0} s steady window each, heartbeat every {HeartbeatInterval.TotalSeconds:0} s, " +
            $"{concurrency} handshakes at a time; {Environment.ProcessorCount} cores, .NET {Environment.Version}; open files limit {OpenFilesLimit("self")}");
        var work = Directory.CreateTempSubdirectory("sm-scaling-bench-").FullName;
        try
        {
            var pki = new PkiDirectory(Path.Combine(work, "pki"));
            pki.Init("scaling benchmark", ["127.0.0.1"]);
            var issuing = Stopwatch.StartNew();
            // One pass (records written once): issuing one at a time is quadratic in the fleet size.
            var bundles = pki.IssueWatchers([.. Enumerable.Range(0, counts.Max()).Select(index => $"scale-{index:D5}")])
                .Select(issued => issued.BundleDirectory).ToList();
            Console.WriteLine($"issued {bundles.Count:N0} watcher identities in {issuing.Elapsed.TotalSeconds:0.0} s");
            foreach (var count in counts)
            {
                await RunStepAsync(pki.Paths.Root, Path.Combine(work, "data"), bundles.Take(count).ToList(), duration, concurrency, work, interrupted.Token);
            }
            return 0;
        }
        catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
        {
            Console.WriteLine("scaling: interrupted");
            return 130;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task RunStepAsync(string pkiRoot, string data, List<string> bundles, TimeSpan duration, int concurrency, string work,
        CancellationToken interrupted)
    {
        var count = bundles.Count;
        var endpoint = new MonitorEndpoint("127.0.0.1", LoopbackPort.Free());
        await using var monitor = SecureMonitorProcess.Start(
            ["monitor", "--pki", pkiRoot, "--listen", $"{endpoint.Host}:{endpoint.Port}", "--data", data, "--node-id", "scaling", "--cluster-port", "0"],
            new Dictionary<string, string>
            {
                ["SM_LOG_FORMAT"] = "console",
                // Heartbeats are 0.2 messages/s per host: the shipped per-host rate is far above; the
                // connection limit is raised explicitly so the largest step cannot meet it.
                ["SM_LIMITS_HOST_ALERTS_PER_SECOND"] = "500",
                ["SM_LIMITS_MAX_CONNECTIONS"] = Math.Max(20_000, 2 * count).ToString(CultureInfo.InvariantCulture),
            }, work);
        await monitor.WaitForLinesAsync(line => line.Contains($"listening on {endpoint.Host}:{endpoint.Port}", StringComparison.Ordinal), 1,
            "the monitor to listen", TimeSpan.FromSeconds(120));
        await WaitForLeaderAsync(bundles[0], endpoint, interrupted);
        Console.WriteLine($"step {count:N0}: monitor pid {monitor.Id} on {endpoint.Host}:{endpoint.Port}, open files limit {OpenFilesLimit(monitor.Id.ToString(CultureInfo.InvariantCulture))}");

        var window = new MeasuredWindow();
        var connections = new HeartbeatConnection?[count];
        var connectErrors = 0;
        var firstError = "";
        using var gate = new SemaphoreSlim(concurrency);
        var connecting = Stopwatch.StartNew();
        try
        {
            await Task.WhenAll(Enumerable.Range(0, count).Select(async index =>
            {
                await gate.WaitAsync(interrupted);
                try
                {
                    var connection = await HeartbeatConnection.OpenAsync(bundles[index], endpoint, window, ConnectTimeout, interrupted);
                    // Held from now on: the idle timeout (60 s) is shorter than connecting 10,000 takes.
                    connection.Start(HeartbeatInterval * index / count, HeartbeatInterval);
                    connections[index] = connection;
                }
                catch (Exception error) when (error is TransportException or IOException or TimeoutException)
                {
                    if (Interlocked.Increment(ref connectErrors) == 1)
                    {
                        firstError = error.Message;
                    }
                }
                finally
                {
                    gate.Release();
                }
            }));
            var connectTime = connecting.Elapsed;
            Console.WriteLine($"  connected {count - connectErrors:N0}/{count:N0} in {connectTime.TotalSeconds:0.0} s ({(count - connectErrors) / connectTime.TotalSeconds:0} handshakes/s)" +
                (connectErrors > 0 ? $"; first error: {firstError}" : ""));

            await Task.Delay(HeartbeatInterval, interrupted); // every watcher settles into its schedule
            var monitorUsage = ProcessUsage.Of(monitor.Id);
            var selfUsage = ProcessUsage.OfSelf();
            window.Open();
            monitorUsage.Start();
            selfUsage.Start();
            var steady = Stopwatch.StartNew();
            while (steady.Elapsed < duration)
            {
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(5, (duration - steady.Elapsed).TotalSeconds)), interrupted);
                monitorUsage.Sample();
                selfUsage.Sample();
            }
            window.Close();
            var (monitorCpu, monitorRss, monitorPeak) = monitorUsage.Stop();
            var (selfCpu, selfRss, _) = selfUsage.Stop();
            var held = connections.Count(connection => connection is { IsOpen: true });

            var draining = Stopwatch.StartNew();
            while (connections.Any(connection => connection is { IsOpen: true, Pending: > 0 }) && draining.Elapsed < DrainTimeout)
            {
                await Task.Delay(100, interrupted);
            }
            var open = connections.OfType<HeartbeatConnection>().ToList();
            foreach (var connection in open)
            {
                await connection.StopAsync();
            }
            var latencies = open.SelectMany(connection => connection.Latencies).Order().ToList();
            var unanswered = open.Sum(connection => connection.Unanswered);
            var errors = connectErrors + open.Sum(connection => connection.Errors) + unanswered;
            if (latencies.Count == 0)
            {
                throw new InvalidOperationException($"step {count}: no heartbeat was acknowledged in the window");
            }
            var p50 = Percentile.Of(latencies, 0.50);
            var p99 = Percentile.Of(latencies, 0.99);
            Console.WriteLine($"  steady {duration.TotalSeconds:0} s: {latencies.Count:N0} heartbeats acknowledged, latency p50 {p50:0.0} ms, p99 {p99:0.0} ms, max {latencies[^1]:0.0} ms; " +
                $"{held:N0} connections held; {errors} errors ({connectErrors} connect, {unanswered} unanswered)");
            Console.WriteLine($"  monitor: CPU {monitorCpu:0.0} % of one core, RSS {monitorRss:0} MB (peak {monitorPeak:0} MB); load generator: CPU {selfCpu:0.0} %, RSS {selfRss:0} MB");
            var prefix = $"scaling.{count}";
            ResultLine.Print($"{prefix}.connect_s", connectTime.TotalSeconds, "s");
            ResultLine.Print($"{prefix}.connected", count - connectErrors, "connections");
            ResultLine.Print($"{prefix}.held", held, "connections");
            ResultLine.Print($"{prefix}.heartbeats_acked", latencies.Count, "heartbeats");
            ResultLine.Print($"{prefix}.ack_p50_ms", p50, "ms");
            ResultLine.Print($"{prefix}.ack_p99_ms", p99, "ms");
            ResultLine.Print($"{prefix}.ack_max_ms", latencies[^1], "ms");
            ResultLine.Print($"{prefix}.monitor_rss_mb", monitorRss, "MB");
            ResultLine.Print($"{prefix}.monitor_peak_rss_mb", monitorPeak, "MB");
            ResultLine.Print($"{prefix}.monitor_cpu_pct", monitorCpu, "%core");
            ResultLine.Print($"{prefix}.loadgen_cpu_pct", selfCpu, "%core");
            ResultLine.Print($"{prefix}.loadgen_rss_mb", selfRss, "MB");
            ResultLine.Print($"{prefix}.errors", errors, "errors");
        }
        finally
        {
            // Bounded: a connection that cannot close in time is abandoned with the monitor process.
            await Task.WhenAny(Task.WhenAll(connections.OfType<HeartbeatConnection>().Select(connection => connection.DisposeAsync().AsTask())),
                Task.Delay(TimeSpan.FromSeconds(30), CancellationToken.None));
        }
    }

    /// <summary>A new node answers "not leader" until it wins the lease: wait (bounded) until a watcher is accepted.</summary>
    private static async Task WaitForLeaderAsync(string bundle, MonitorEndpoint endpoint, CancellationToken interrupted)
    {
        var deadline = Stopwatch.StartNew();
        var window = new MeasuredWindow();
        while (true)
        {
            try
            {
                await (await HeartbeatConnection.OpenAsync(bundle, endpoint, window, ConnectTimeout, interrupted)).DisposeAsync();
                return;
            }
            catch (TransportException) when (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(250, interrupted);
            }
        }
    }

    private static string OpenFilesLimit(string process) =>
        File.ReadLines($"/proc/{process}/limits").FirstOrDefault(line => line.StartsWith("Max open files", StringComparison.Ordinal))?
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[3] ?? "unknown";

    internal static string Option(string[] args, string name, string fallback) =>
        args.SkipWhile(arg => arg != name).Skip(1).FirstOrDefault() ?? fallback;

    private static TimeSpan ParseDuration(string text) => text switch
    {
        _ when text.EndsWith("ms", StringComparison.Ordinal) => TimeSpan.FromMilliseconds(double.Parse(text[..^2], CultureInfo.InvariantCulture)),
        _ when text.EndsWith('s') => TimeSpan.FromSeconds(double.Parse(text[..^1], CultureInfo.InvariantCulture)),
        _ when text.EndsWith('m') => TimeSpan.FromMinutes(double.Parse(text[..^1], CultureInfo.InvariantCulture)),
        _ => TimeSpan.FromSeconds(double.Parse(text, CultureInfo.InvariantCulture)),
    };
}
