using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using SecureMonitor.Admin.Client;
using SecureMonitor.Benchmarks.Reporting;
using SecureMonitor.Benchmarks.Scaling;
using SecureMonitor.Pki;
using SecureMonitor.Storage;
using SecureMonitor.Storage.Sqlite;
using SecureMonitor.TestKit.Processes;
using SecureMonitor.Transport;

namespace SecureMonitor.Benchmarks.Soak;

/// <summary>
/// <c>soak [--minutes 30] [--watchers 1000] [--hostile-rate 4] [--hostile-concurrency 20] [--sample-every 30s]</c>:
/// one real monitor process (SQLite, console logs) for the whole run; N virtual watchers, each its own
/// identity over TLS 1.3, a sealed heartbeat every 5 s and one sealed alert a minute (both spread evenly);
/// beside them a bounded hostile client (<see cref="HostileClient"/>) churning bad connections. Every
/// sample: the monitor's RSS (/proc/PID/status) and descriptors (/proc/PID/fd), and its own refusal
/// counters and connected watchers (admin <c>status</c>, over an admin identity). Warm-up is the first
/// 20 % of the run or 5 minutes, whichever is less; at its end the hostile client pauses until its
/// connections are gone and the descriptor baseline is taken. At the end: hostile client stopped, a
/// bounded wait for the descriptors to return to the baseline, watchers stopped, monitor stopped, and
/// every alert acknowledged as accepted looked up in the store. Exit 1 on a monitor crash or a lost alert.
/// </summary>
internal static class SoakBenchmark
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan AlertInterval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10); // hocon/common/transport.conf
    private static readonly TimeSpan BaselineWait = TimeSpan.FromSeconds(90);
    private const int HostileIdentities = 4;

    public static async Task<int> RunAsync(string[] args)
    {
        var minutes = double.Parse(ScalingBenchmark.Option(args, "--minutes", "30"), CultureInfo.InvariantCulture);
        var count = int.Parse(ScalingBenchmark.Option(args, "--watchers", "1000"), CultureInfo.InvariantCulture);
        var hostileRate = double.Parse(ScalingBenchmark.Option(args, "--hostile-rate", "4").TrimEnd('/', 's'), CultureInfo.InvariantCulture);
        var hostileConcurrency = int.Parse(ScalingBenchmark.Option(args, "--hostile-concurrency", "20"), CultureInfo.InvariantCulture);
        var sampleEvery = ParseDuration(ScalingBenchmark.Option(args, "--sample-every", "30s"));
        var duration = TimeSpan.FromMinutes(minutes);
        var warmUp = TimeSpan.FromTicks(Math.Min(duration.Ticks / 5, TimeSpan.FromMinutes(5).Ticks));

        using var interrupted = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
        void Interrupt(PosixSignalContext context)
        {
            context.Cancel = true; // clean up (monitor process, temporary directory) before exiting
            interrupted.Cancel();
        }

        Console.WriteLine($"soak: {minutes:0.##} min, {count:N0} watchers (heartbeat every {HeartbeatInterval.TotalSeconds:0} s, an alert a minute), " +
            $"hostile client {hostileRate:0.##}/s with at most {hostileConcurrency} open, sample every {sampleEvery.TotalSeconds:0} s, warm-up {warmUp.TotalMinutes:0.#} min; " +
            $"{Environment.ProcessorCount} cores, .NET {Environment.Version}");
        var work = Directory.CreateTempSubdirectory("sm-soak-bench-").FullName;
        var watchers = new List<SoakWatcher>();
        SecureMonitorProcess? monitor = null;
        HostileClient? hostile = null;
        AdminClient? admin = null;
        IdentityBundle? adminIdentity = null;
        try
        {
            var pki = new PkiDirectory(Path.Combine(work, "pki"));
            pki.Init("soak benchmark", ["127.0.0.1"]);
            var bundles = pki.IssueWatchers([.. Enumerable.Range(0, count).Select(index => $"soak-{index:D5}")]).Select(issued => issued.BundleDirectory).ToList();
            var hostileBundles = pki.IssueWatchers([.. Enumerable.Range(0, HostileIdentities).Select(index => $"soak-hostile-{index}")])
                .Select(issued => issued.BundleDirectory).ToList();
            var adminBundle = pki.IssueAdmin("soak-admin").BundleDirectory;
            var foreign = new PkiDirectory(Path.Combine(work, "foreign-pki"));
            foreign.Init("foreign CA", ["127.0.0.1"]);
            var foreignBundle = foreign.IssueWatcher("soak-foreign").BundleDirectory;

            var data = Path.Combine(work, "data");
            var endpoint = new MonitorEndpoint("127.0.0.1", LoopbackPort.Free());
            monitor = SecureMonitorProcess.Start(
                ["monitor", "--pki", pki.Paths.Root, "--listen", endpoint.ToString(), "--data", data, "--node-id", "soak", "--cluster-port", "0"],
                new Dictionary<string, string> { ["SM_LOG_FORMAT"] = "console" }, work);
            await monitor.WaitForLinesAsync(line => line.Contains($"listening on {endpoint}", StringComparison.Ordinal), 1, "the monitor to listen",
                TimeSpan.FromSeconds(120));
            Console.WriteLine($"monitor pid {monitor.Id} on {endpoint}");

            var connecting = Stopwatch.StartNew();
            using (var gate = new SemaphoreSlim(32))
            {
                await Task.WhenAll(bundles.Select(async bundle =>
                {
                    var watcher = new SoakWatcher(bundle, endpoint);
                    lock (watchers)
                    {
                        watchers.Add(watcher);
                    }
                    await gate.WaitAsync(interrupted.Token);
                    try
                    {
                        await watcher.ConnectAsync(TimeSpan.FromSeconds(120), interrupted.Token);
                    }
                    finally
                    {
                        gate.Release();
                    }
                }));
            }
            Console.WriteLine($"connected {count:N0} watchers in {connecting.Elapsed.TotalSeconds:0.0} s");
            for (var index = 0; index < watchers.Count; index++)
            {
                watchers[index].Start(HeartbeatInterval * index / count, HeartbeatInterval, AlertInterval * index / count, AlertInterval);
            }

            adminIdentity = IdentityBundle.Load(adminBundle);
            admin = new AdminClient(new AdminClientOptions { IdentityDirectory = adminBundle, Monitors = [endpoint] }, adminIdentity);
            // The admin link is held for the whole run (a sample every 30 s keeps it from the idle timeout): opened
            // now, so the descriptor baseline includes it.
            using (var first = CancellationTokenSource.CreateLinkedTokenSource(interrupted.Token))
            {
                first.CancelAfter(TimeSpan.FromSeconds(30));
                await admin.RunAsync("status", [], first.Token);
            }
            hostile = await HostileClient.CreateAsync(endpoint, foreignBundle, hostileBundles, HandshakeTimeout, hostileConcurrency);
            hostile.Start(hostileRate);

            var monitorUsage = ProcessUsage.Of(monitor.Id);
            var selfUsage = ProcessUsage.OfSelf();
            monitorUsage.Start();
            selfUsage.Start();
            var samples = new List<Sample>();
            var run = Stopwatch.StartNew();
            double? rssWarm = null;
            int? fdBaseline = null;
            while (run.Elapsed < duration)
            {
                var next = TimeSpan.FromTicks(Math.Min((samples.Count + 1) * sampleEvery.Ticks, duration.Ticks));
                if (rssWarm is null && warmUp < next)
                {
                    await Task.Delay(Positive(warmUp - run.Elapsed), interrupted.Token);
                    // The baseline: watchers and the admin link, none of the hostile client's connections.
                    await hostile.PauseAsync();
                    await Task.Delay(TimeSpan.FromSeconds(2), interrupted.Token);
                    var warm = await SampleAsync(monitor, admin, watchers, hostile, run.Elapsed, interrupted.Token);
                    (rssWarm, fdBaseline) = (warm.RssMb, warm.Descriptors);
                    hostile.Resume();
                    samples.Add(warm);
                    Console.WriteLine($"{warm.Line()}  <- after warm-up: RSS and descriptor baseline");
                    continue;
                }
                await Task.Delay(Positive(next - run.Elapsed), interrupted.Token);
                if (monitor.HasExited)
                {
                    Console.WriteLine($"[{run.Elapsed.TotalMinutes,5:0.0} min] the monitor exited");
                    break;
                }
                var sample = await SampleAsync(monitor, admin, watchers, hostile, run.Elapsed, interrupted.Token);
                samples.Add(sample);
                Console.WriteLine(sample.Line());
            }
            var exited = monitor.HasExited;

            await hostile.StopAsync();
            var settling = Stopwatch.StartNew();
            var fdEnd = exited ? 0 : Descriptors(monitor.Id);
            while (!exited && fdBaseline is { } baseline && fdEnd > baseline && settling.Elapsed < BaselineWait)
            {
                await Task.Delay(1000, interrupted.Token);
                fdEnd = Descriptors(monitor.Id);
            }
            var end = exited ? samples.LastOrDefault() ?? new Sample(run.Elapsed, 0, 0, null, 0, 0, 0, 0, 0, 0, 0, 0, new SortedDictionary<string, long>())
                : await SampleAsync(monitor, admin, watchers, hostile, run.Elapsed, interrupted.Token);
            if (!exited)
            {
                samples.Add(end);
                Console.WriteLine($"{end.Line()}  <- end: hostile client stopped, descriptors {fdEnd} after {settling.Elapsed.TotalSeconds:0} s (baseline {fdBaseline})");
            }

            var (monitorCpu, _, monitorPeak) = exited ? (double.NaN, 0, 0) : monitorUsage.Stop();
            var (selfCpu, selfRss, _) = selfUsage.Stop();
            await Task.WhenAll(watchers.Select(watcher => watcher.StopAsync(TimeSpan.FromSeconds(15))));
            exited |= monitor.HasExited;
            await admin.DisposeAsync();
            admin = null;
            await monitor.StopAsync(TimeSpan.FromSeconds(30));

            var (acked, lost) = await CountLostAsync(data, watchers);
            PrintTable(samples);
            Console.WriteLine($"hostile client: {hostile.Attempts:N0} attempts ({hostile.Skipped:N0} skipped at its limit); by kind and outcome:");
            foreach (var kind in Enum.GetValues<HostileKind>())
            {
                Console.WriteLine($"  {kind,-15} " + string.Join(", ", Enum.GetValues<HostileOutcome>().Select(outcome => $"{outcome} {hostile.Count(kind, outcome)}")));
            }
            var growth = rssWarm is { } w && w > 0 ? 100 * (end.RssMb - w) / w : double.NaN;
            Console.WriteLine($"alerts acknowledged {acked:N0}, lost {lost}; watcher link errors {watchers.Sum(watcher => watcher.Errors)}, reconnects {watchers.Sum(watcher => watcher.Reconnects)}; " +
                $"RSS {rssWarm:0.0} MB after warm-up -> {end.RssMb:0.0} MB at the end ({growth:+0.0;-0.0} %); descriptors {fdBaseline} -> {fdEnd}; monitor exited: {(exited ? "YES" : "no")}");

            Console.WriteLine($"monitor CPU {monitorCpu:0.0} % of one core (RSS peak {monitorPeak:0.0} MB); runner CPU {selfCpu:0.0} %, RSS {selfRss:0} MB");

            ResultLine.Print("soak.minutes", minutes, "min");
            ResultLine.Print("soak.watchers", count, "watchers");
            ResultLine.Print("soak.rss_warm_mb", rssWarm ?? 0, "MB");
            ResultLine.Print("soak.rss_end_mb", end.RssMb, "MB");
            ResultLine.Print("soak.rss_growth_pct", double.IsNaN(growth) ? 0 : growth, "%");
            ResultLine.Print("soak.fd_baseline", fdBaseline ?? 0, "descriptors");
            ResultLine.Print("soak.fd_end", fdEnd, "descriptors");
            ResultLine.Print("soak.hostile_attempts", hostile.Attempts, "connections");
            ResultLine.Print("soak.hostile_left_open", hostile.Count(HostileOutcome.LeftOpen), "connections");
            ResultLine.Print("soak.heartbeats_acked", watchers.Sum(watcher => watcher.HeartbeatsAcked), "heartbeats");
            ResultLine.Print("soak.alerts_acked", acked, "alerts");
            ResultLine.Print("soak.alerts_lost", lost, "alerts");
            if (!exited)
            {
                ResultLine.Print("soak.monitor_cpu_pct", monitorCpu, "%core");
            }
            ResultLine.Print("soak.runner_cpu_pct", selfCpu, "%core");
            ResultLine.Print("soak.monitor_exited", exited ? 1 : 0, "bool");
            return exited || lost > 0 ? 1 : 0;
        }
        catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
        {
            Console.WriteLine("soak: interrupted");
            return 130;
        }
        finally
        {
            if (hostile is not null)
            {
                await hostile.DisposeAsync();
            }
            if (admin is not null)
            {
                await admin.DisposeAsync();
            }
            adminIdentity?.Dispose();
            await Task.WhenAny(Task.WhenAll(watchers.Select(watcher => watcher.DisposeAsync().AsTask())), Task.Delay(TimeSpan.FromSeconds(30)));
            if (monitor is not null)
            {
                await monitor.DisposeAsync();
            }
            Directory.Delete(work, recursive: true);
        }
    }

    private static TimeSpan Positive(TimeSpan wait) => wait > TimeSpan.Zero ? wait : TimeSpan.Zero;

    /// <summary>Every alert a watcher saw acknowledged as accepted must be in the store, under its host and sequence.</summary>
    private static async Task<(int Acked, int Lost)> CountLostAsync(string data, List<SoakWatcher> watchers)
    {
        await using var store = new SqliteMonitorStore(new SqliteMonitorStoreOptions { DataDirectory = data });
        await store.MigrateAsync();
        var (acked, lost) = (0, 0);
        foreach (var watcher in watchers)
        {
            var stored = (await store.ListAlertsAsync(new AlertQuery { Host = watcher.HostId, Origin = AlertOrigin.Watcher, Limit = AlertQuery.MaxLimit }))
                .Select(alert => alert.Sequence).ToHashSet();
            acked += watcher.AckedAlerts.Count;
            lost += watcher.AckedAlerts.Count(sequence => !stored.Contains(sequence));
        }
        return (acked, lost);
    }

    private static async Task<Sample> SampleAsync(SecureMonitorProcess monitor, AdminClient admin, List<SoakWatcher> watchers, HostileClient hostile,
        TimeSpan at, CancellationToken cancellationToken)
    {
        var rss = RssMb(monitor.Id);
        var descriptors = Descriptors(monitor.Id);
        int? connected = null;
        var refusals = new SortedDictionary<string, long>(StringComparer.Ordinal);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(TimeSpan.FromSeconds(20));
            var reply = (await admin.RunAsync("status", [], deadline.Token)).Reply;
            if (reply.Ok)
            {
                using var status = JsonDocument.Parse(reply.Json);
                if (status.RootElement.TryGetProperty("connectedWatchers", out var held) && held.ValueKind == JsonValueKind.Number)
                {
                    connected = held.GetInt32();
                }
                foreach (var entry in status.RootElement.GetProperty("rejections").EnumerateArray())
                {
                    var reason = entry.GetProperty("reason").GetString() ?? "?";
                    refusals[reason] = refusals.GetValueOrDefault(reason) + entry.GetProperty("count").GetInt64();
                }
            }
        }
        catch (Exception error) when (error is AdminUnreachableException or TransportException or IOException or OperationCanceledException
            && !cancellationToken.IsCancellationRequested)
        {
            Console.WriteLine($"  admin status failed: {error.Message}");
        }
        return new Sample(at, rss, descriptors, connected, watchers.Count(watcher => watcher.IsConnected), watchers.Sum(watcher => watcher.HeartbeatsAcked),
            watchers.Sum(watcher => watcher.AlertsAcked), hostile.Attempts, hostile.Count(HostileOutcome.Closed), hostile.Count(HostileOutcome.TimedOut),
            hostile.Count(HostileOutcome.Refused), hostile.Count(HostileOutcome.LeftOpen), refusals);
    }

    private static double RssMb(int pid)
    {
        try
        {
            return File.ReadLines($"/proc/{pid}/status").Where(line => line.StartsWith("VmRSS:", StringComparison.Ordinal))
                .Select(line => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0).FirstOrDefault();
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return 0; // the process is gone
        }
    }

    private static int Descriptors(int pid)
    {
        try
        {
            return Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;
        }
        catch (DirectoryNotFoundException)
        {
            return 0; // the process is gone
        }
    }

    private static void PrintTable(List<Sample> samples)
    {
        var reasons = samples.SelectMany(sample => sample.Refusals.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var table = new StringBuilder();
        table.AppendLine();
        table.AppendLine("| time | RSS MB | descriptors | watchers connected (monitor / runner) | heartbeats acked | alerts acked | hostile attempts | " +
            "closed / at timeout / refused / left open | " + string.Join(" | ", reasons.Select(reason => $"refused: {reason}")) + " |");
        table.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|" + string.Concat(reasons.Select(_ => "---:|")));
        foreach (var sample in samples)
        {
            table.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {sample.At.TotalMinutes:0.0} min | {sample.RssMb:0.0} | {sample.Descriptors} | {sample.MonitorConnected?.ToString(CultureInfo.InvariantCulture) ?? "?"} / {sample.RunnerConnected} | " +
                $"{sample.HeartbeatsAcked} | {sample.AlertsAcked} | {sample.HostileAttempts} | {sample.Closed} / {sample.TimedOut} / {sample.Refused} / {sample.LeftOpen} | ") +
                string.Join(" | ", reasons.Select(reason => sample.Refusals.GetValueOrDefault(reason).ToString(CultureInfo.InvariantCulture))) + " |");
        }
        Console.WriteLine(table.ToString());
    }

    private static TimeSpan ParseDuration(string text) => text switch
    {
        _ when text.EndsWith('s') => TimeSpan.FromSeconds(double.Parse(text[..^1], CultureInfo.InvariantCulture)),
        _ when text.EndsWith('m') => TimeSpan.FromMinutes(double.Parse(text[..^1], CultureInfo.InvariantCulture)),
        _ => TimeSpan.FromSeconds(double.Parse(text, CultureInfo.InvariantCulture)),
    };

    private sealed record Sample(TimeSpan At, double RssMb, int Descriptors, int? MonitorConnected, int RunnerConnected, long HeartbeatsAcked, long AlertsAcked,
        long HostileAttempts, long Closed, long TimedOut, long Refused, long LeftOpen, IReadOnlyDictionary<string, long> Refusals)
    {
        public string Line() => string.Create(CultureInfo.InvariantCulture,
            $"[{At.TotalMinutes,5:0.0} min] RSS {RssMb:0.0} MB, {Descriptors} fds, watchers {MonitorConnected?.ToString(CultureInfo.InvariantCulture) ?? "?"}/{RunnerConnected}, " +
            $"acked {HeartbeatsAcked} heartbeats {AlertsAcked} alerts; hostile {HostileAttempts} (closed {Closed}, at timeout {TimedOut}, refused {Refused}, left open {LeftOpen}); " +
            $"monitor refusals: {(Refusals.Count == 0 ? "none" : string.Join(", ", Refusals.Select(entry => $"{entry.Key} {entry.Value}")))}");
    }
}
