using System.Diagnostics;
using System.Text.RegularExpressions;
using SecureMonitor.Notifications;
using SecureMonitor.Pki;
using SecureMonitor.Simulation.Observation;
using SecureMonitor.Simulation.Processes;
using SecureMonitor.Simulation.Running;
using SecureMonitor.Simulation.Scenarios;
using SecureMonitor.Transport;

namespace SecureMonitor.Cli.Demo;

/// <summary>
/// <c>securemonitor demo</c>, step by step, on this machine only (127.0.0.1): a PKI in a temporary
/// directory, one monitor and three watchers as child processes of this CLI, then a DoS episode
/// played by the simulator's <c>dos</c> scenario (virtual watchers with their own identities, real
/// TLS, real sealing). It narrates each step and the incident as the monitor reports it through its
/// webhook, then keeps everything running until Ctrl-C (or the duration), and always stops the
/// children and deletes the directory before returning.
/// </summary>
internal static partial class DemoRun
{
    public static readonly string[] WatcherHosts = ["web-01", "web-02", "db-01"];

    /// <summary>How the demo's monitor correlates: the shipped rule (3 hosts) over a shorter window.</summary>
    private static readonly MonitorSettings Correlation = new() { MinHosts = 3, Window = TimeSpan.FromSeconds(20) };

    private static readonly TimeSpan Episode = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    /// <param name="duration">Stop this long after the start (at the earliest once the episode is over); null: at Ctrl-C.</param>
    public static async Task<int> RunAsync(TimeSpan? duration, int attackers, TextWriter output, CancellationToken cancellation)
    {
        output = TextWriter.Synchronized(output);
        var clock = Stopwatch.StartNew();
        var work = Directory.CreateTempSubdirectory("securemonitor-demo-").FullName;
        var children = new List<ChildProcess>();
        WebhookIncidentReceiver? receiver = null;
        VirtualIdentities? virtualWatchers = null;
        var code = ExitCodes.Failure;
        output.WriteLine("SecureMonitor demo: a PKI, one monitor, three watchers and a DoS episode, all on this machine (127.0.0.1).");
        output.WriteLine($"Working in {work}; Ctrl-C stops everything and deletes it.");
        output.WriteLine();
        try
        {
            // 1. The PKI, as `securemonitor pki init` and `pki issue-watcher` make it.
            var pkiDirectory = Path.Combine(work, "pki");
            output.WriteLine($"1/5 PKI in {pkiDirectory}");
            var pki = new PkiDirectory(pkiDirectory);
            var init = pki.Init("demo", ["localhost", "127.0.0.1"]);
            output.WriteLine($"    CA and monitor certificate for localhost, 127.0.0.1; admin identity {init.Admin.BundleDirectory}");
            foreach (var host in WatcherHosts)
            {
                pki.IssueWatcher(host);
            }
            output.WriteLine($"    watcher identities (certificate, key, pre-shared key): {string.Join(", ", WatcherHosts)}");
            virtualWatchers = VirtualIdentities.Issue(pkiDirectory, VirtualIdentities.NewRunId(), attackers);
            output.WriteLine($"    {attackers} more for the virtual watchers of the DoS episode ({virtualWatchers.Watchers[0].Identity.Name} ...)");
            cancellation.ThrowIfCancellationRequested();

            // 2. The monitor, telling its incidents to a webhook receiver here, with a token.
            var token = WebhookIncidentReceiver.NewToken();
            receiver = WebhookIncidentReceiver.Start(token: token);
            receiver.NotificationReceived += notification => Narrate(notification, output);
            var log = new MonitorLogObserver();
            output.WriteLine("2/5 monitor");
            var monitor = StartNode("monitor", ["monitor", "--pki", pkiDirectory, "--listen", "127.0.0.1:0", "--cluster-port", "0", "--data", Path.Combine(work, "monitor")],
                new Dictionary<string, string>
                {
                    ["SM_CORRELATION_MIN_HOSTS"] = Correlation.MinHosts.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["SM_CORRELATION_WINDOW"] = $"{Correlation.Window.TotalSeconds:0}s",
                    ["SM_NOTIFY_WEBHOOK_URL"] = receiver.Url.ToString(),
                    ["SM_NOTIFY_WEBHOOK_TOKEN"] = token,
                }, work, log.Observe);
            children.Add(monitor);
            var listening = (await monitor.WaitForLinesAsync(line => Listening().IsMatch(line), 1, "that it listens", StartTimeout, cancellation))[0];
            var endpoint = MonitorEndpoint.Parse(Listening().Match(listening).Groups["endpoint"].Value);
            output.WriteLine($"    listening on {endpoint} (pid {monitor.Id}), TLS 1.3 with mutual authentication");
            output.WriteLine($"    an incident opens when {Correlation.MinHosts} hosts alert within {Correlation.Window.TotalSeconds:0} s, " +
                $"or on any SYN-flood signal; incidents go to a webhook on {receiver.Endpoint}");

            // 3. Three watchers, each with its own identity.
            output.WriteLine("3/5 watchers");
            foreach (var host in WatcherHosts)
            {
                children.Add(StartNode(host, ["watcher", "--identity", Path.Combine(pkiDirectory, "watchers", host), "--monitor", endpoint.ToString(),
                    "--data", Path.Combine(work, "watchers", host)], new Dictionary<string, string> { ["SM_WATCHER_HEARTBEAT_INTERVAL"] = "2s" }, work));
            }
            foreach (var watcher in children.Skip(1))
            {
                await watcher.WaitForLinesAsync(line => line.Contains($"Connected to monitor {endpoint}", StringComparison.Ordinal), 1,
                    "that it connected to the monitor", StartTimeout, cancellation);
                output.WriteLine($"    {watcher.Name} (pid {watcher.Id}) connected: samples /proc every second, heartbeats every 2 s, sealed and spooled");
            }

            // 4. The episode.
            output.WriteLine($"4/5 DoS episode: {attackers} virtual watchers see their SYN backlog and listen-queue overflows climb, one after another");
            var settings = new SimulationSettings
            {
                Monitor = endpoint,
                PkiDirectory = pkiDirectory,
                Watchers = attackers,
                Duration = Episode,
                KeyRingSettle = TimeSpan.Zero, // the monitor started after their keys were issued
                MonitorSettings = Correlation,
            };
            var report = await SimulationRunner.RunAsync(settings, new DosScenario(), new IndentedWriter(output, "    "),
                new SimulationHooks { Identities = virtualWatchers, Observers = [receiver, log] }, cancellation);
            report.WriteTo(new IndentedWriter(output, "    "));

            // 5. How to look at it.
            output.WriteLine("5/5 inspect the incident with the admin console:");
            output.WriteLine($"    {Launcher()} admin --identity {init.Admin.BundleDirectory} --monitor {endpoint}");
            output.WriteLine($"    e.g. add: incidents --open   (or: hosts, alerts --since 5m, tail)");
            output.WriteLine();

            var remaining = duration is { } limit ? limit - clock.Elapsed : Timeout.InfiniteTimeSpan;
            output.WriteLine(duration is null
                ? "The monitor and the watchers keep running; Ctrl-C stops them and cleans up."
                : $"The monitor and the watchers keep running for {Math.Max(0, remaining.TotalSeconds):0} s more (--duration); Ctrl-C stops them earlier.");
            if (remaining == Timeout.InfiniteTimeSpan || remaining > TimeSpan.Zero)
            {
                var crashed = Task.WhenAny(children.Select(async child => { await child.Exited; return child; }));
                var finished = await Task.WhenAny(Task.Delay(remaining, cancellation), crashed);
                if (finished == crashed && !await InterruptedAsync(cancellation))
                {
                    var node = await await crashed;
                    throw new ChildProcessException($"{node.Name} exited unexpectedly", node);
                }
                await finished; // surfaces the cancellation of Ctrl-C
            }
            code = report.AsExpected ? ExitCodes.Ok : ExitCodes.Failure;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            output.WriteLine();
            output.WriteLine("Interrupted.");
            code = ExitCodes.Interrupted;
        }
        catch (ChildProcessException error)
        {
            if (await InterruptedAsync(cancellation))
            {
                // Ctrl-C in a terminal reaches the children too, and one may exit before this process hears it.
                output.WriteLine();
                output.WriteLine("Interrupted.");
                code = ExitCodes.Interrupted;
            }
            else
            {
                output.WriteLine($"The demo cannot go on: {error.Message}");
                foreach (var line in error.Process.Tail(15))
                {
                    output.WriteLine($"    {error.Process.Name}: {line}");
                }
                code = ExitCodes.Failure;
            }
        }
        finally
        {
            output.WriteLine($"Stopping {string.Join(", ", children.Select(child => child.Name).Reverse())}.");
            foreach (var child in Enumerable.Reverse(children))
            {
                await child.StopAsync(StopGrace);
                await child.DisposeAsync();
            }
            if (receiver is not null)
            {
                await receiver.DisposeAsync();
            }
            virtualWatchers?.Dispose();
            try
            {
                Directory.Delete(work, recursive: true);
                output.WriteLine($"Removed {work}.");
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                output.WriteLine($"Could not remove {work}: {error.Message}");
            }
        }
        return code;
    }

    /// <summary>A node as a child process of this same CLI, with only the demo's settings (no inherited SM_* variables).</summary>
    private static ChildProcess StartNode(string name, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string work,
        Action<string>? onLine = null) =>
        ChildProcess.StartDotnet(name, typeof(CliApplication).Assembly.Location, arguments, new ChildProcessOptions
        {
            Environment = environment,
            DropInheritedPrefix = "SM_",
            WorkingDirectory = work,
            KeepLines = 300,
            OnLine = onLine,
        });

    /// <summary>Whether Ctrl-C arrives within a second (a child's exit may be its first sign).</summary>
    private static async Task<bool> InterruptedAsync(CancellationToken cancellation)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
        }
        catch (OperationCanceledException)
        {
        }
        return cancellation.IsCancellationRequested;
    }

    private static void Narrate(IncidentNotification notification, TextWriter output)
    {
        var peaks = string.Join(", ", notification.Metrics.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key} {pair.Value:0.##}"));
        switch (notification.Change)
        {
            case IncidentChange.Opened:
                output.WriteLine($"    >> INCIDENT {notification.IncidentId} opened ({notification.Severity}): {notification.Title}");
                output.WriteLine($"       evidence: {string.Join(", ", notification.Kinds)} from {string.Join(", ", notification.Hosts.Take(5))}; peaks {peaks}");
                break;
            case IncidentChange.Grew when notification.Metrics.ContainsKey(SilenceScenario.SilencedMetric):
                output.WriteLine($"    >> incident {notification.IncidentId} grew: watchers silenced. The episode's virtual watchers stopped with it, and after " +
                    "monitor.liveness.down-after of silence the monitor reports them, as it would real agents gone quiet.");
                break;
            case IncidentChange.Grew:
                output.WriteLine($"    >> incident grew: {notification.Hosts.Count} host(s), {string.Join(", ", notification.Kinds)}; peaks {peaks}");
                break;
            default:
                output.WriteLine($"    >> incident {notification.IncidentId} {notification.Change.ToString().ToLowerInvariant()}");
                break;
        }
    }

    /// <summary>How to run this CLI again: the repository's launcher when this build came from it.</summary>
    private static string Launcher()
    {
        var launcher = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "securemonitor"));
        if (!File.Exists(launcher))
        {
            return "securemonitor";
        }
        return Path.GetDirectoryName(launcher) == Directory.GetCurrentDirectory() ? "./securemonitor" : launcher;
    }

    [GeneratedRegex(@"listening on (?<endpoint>\S+) \(TLS", RegexOptions.CultureInvariant)]
    private static partial Regex Listening();

    /// <summary>Writes every line with a prefix: the simulator's lines sit under the demo's steps.</summary>
    private sealed class IndentedWriter(TextWriter inner, string prefix) : TextWriter
    {
        public override System.Text.Encoding Encoding => inner.Encoding;

        public override void WriteLine(string? value) => inner.WriteLine(value is null or "" ? "" : prefix + value);

        public override void WriteLine() => inner.WriteLine();

        public override void Write(char value) => inner.Write(value);
    }
}
