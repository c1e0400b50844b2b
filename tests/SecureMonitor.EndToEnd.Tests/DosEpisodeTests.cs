using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using SecureMonitor.Simulation.Processes;
using SecureMonitor.TestKit.Processes;
using Xunit;
using Xunit.Abstractions;

namespace SecureMonitor.EndToEnd.Tests;

/// <summary>
/// The product as an operator runs it, every part a real process: a PKI made by the CLI, a monitor
/// node, three watchers reporting over TLS 1.3 with mutual authentication, CPU load from stress-ng,
/// and Prometheus Alertmanager receiving the incident. The test waits for what the processes say
/// (log lines, Alertmanager's API), never for time to pass.
/// </summary>
public sealed partial class DosEpisodeTests(ITestOutputHelper output)
{
    private static readonly string[] Hosts = ["web-01", "web-02", "db-01"];

    /// <summary>The whole test stays within this (the machine has 2 cores, stress-ng takes both).</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(50);

    [RequiresToolFact(ExternalTool.AlertmanagerKey, ExternalTool.StressNgKey)]
    public async Task Three_watchers_under_stress_open_one_incident_that_reaches_alertmanager()
    {
        var clock = Stopwatch.StartNew();
        TimeSpan Left() => Budget - clock.Elapsed is var left && left > TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1);
        var work = Directory.CreateTempSubdirectory("sm-e2e-").FullName;
        AlertmanagerProcess? alertmanager = null;
        SecureMonitorProcess? monitor = null;
        ChildProcess? stress = null;
        var watchers = new List<SecureMonitorProcess>();
        try
        {
            // 1. A real Alertmanager.
            alertmanager = await AlertmanagerProcess.StartAsync();

            // 2. A PKI made by the CLI: CA, monitor certificate, one identity bundle per watcher host.
            var pki = Path.Combine(work, "pki");
            await RunToCompletionAsync(["pki", "init", "--dir", pki], Left());
            foreach (var host in Hosts)
            {
                await RunToCompletionAsync(["pki", "issue-watcher", host, "--dir", pki], Left());
            }

            // 3. The monitor: the shipped hocon/monitor.conf, configured by environment as a container would be.
            var port = LoopbackPort.Free();
            monitor = SecureMonitorProcess.Start(
                ["monitor", "--pki", pki, "--listen", $"127.0.0.1:{port}", "--cluster-port", "0", "--data", Path.Combine(work, "monitor")],
                new Dictionary<string, string>
                {
                    ["SM_CORRELATION_MIN_HOSTS"] = "3",
                    ["SM_CORRELATION_WINDOW"] = "60s",
                    // One host's alerts alone must not make an incident here (the storm rule has its own tests):
                    // this episode is opened by the third host, and only by it.
                    ["SM_CORRELATION_STORM_ALERTS"] = "10000",
                    ["SM_NOTIFY_ALERTMANAGER_URL"] = alertmanager.BaseUrl.ToString(),
                    ["SM_LOG_FORMAT"] = "console",
                },
                workingDirectory: work);
            await monitor.WaitForLinesAsync(line => line.Contains($"listening on 127.0.0.1:{port}", StringComparison.Ordinal), 1,
                "the monitor to listen", Left());

            // 4. Three watchers over real TLS, with a CPU rule that any load breaches at once; then real load.
            var config = WriteWatcherConfig(work);
            foreach (var host in Hosts)
            {
                watchers.Add(SecureMonitorProcess.Start(
                    ["watcher", "--config", config, "--identity", Path.Combine(pki, "watchers", host),
                     "--monitor", $"127.0.0.1:{port}", "--data", Path.Combine(work, "watchers", host)],
                    workingDirectory: work));
            }
            foreach (var (host, watcher) in Hosts.Zip(watchers))
            {
                await watcher.WaitForLinesAsync(line => line.Contains($"Connected to monitor 127.0.0.1:{port}", StringComparison.Ordinal), 1,
                    $"watcher {host} to connect to the monitor", Left());
            }
            stress = ChildProcess.Start("stress-ng", ExternalTool.StressNg.Require(), ["--cpu", "2", "--timeout", "30s"],
                new ChildProcessOptions { WorkingDirectory = work });
            foreach (var (host, watcher) in Hosts.Zip(watchers))
            {
                await watcher.WaitForLinesAsync(line => line.Contains("Threshold Fired rule=cpu-high metric=cpu.total", StringComparison.Ordinal), 1,
                    $"watcher {host} to fire cpu-high", Left());
            }

            Assert.False(stress.HasExited, $"stress-ng ended early ({stress.CommandLine}):\n{stress.Output}");

            // 5. The monitor opens the incident, and Alertmanager shows it.
            await monitor.WaitForLinesAsync(line => IncidentOpened().IsMatch(line), 1, "the monitor to open an incident", Left());
            var incidentId = monitor.Lines.Select(line => IncidentOpened().Match(line)).First(match => match.Success).Groups["id"].Value;

            var alerts = await WaitForAlertmanagerAsync(alertmanager, monitor, incidentId, Left());
            var alert = Assert.Single(alerts, IsSecureMonitorDoS);
            var labels = alert.GetProperty("labels");
            Assert.Equal(incidentId, labels.GetProperty("incident").GetString());
            Assert.Contains("distributed_alerts", labels.GetProperty("kind").GetString()!.Split(','));
            Assert.Equal("active", alert.GetProperty("status").GetProperty("state").GetString());
            Assert.Equal(Hosts.Order(), HostsOf(alert).Order());

            // 6. One incident for the episode, not one per alert: every host fired, one incident opened.
            Assert.All(watchers, watcher => Assert.True(watcher.CountLines(line => line.Contains("Threshold Fired rule=cpu-high", StringComparison.Ordinal)) >= 1));
            Assert.Equal(1, monitor.CountLines(line => IncidentOpened().IsMatch(line)));
            Assert.True(clock.Elapsed < Budget, $"the episode took {clock.Elapsed}, more than {Budget}");
            output.WriteLine($"{incidentId} reached Alertmanager after {clock.Elapsed.TotalSeconds:0.0} s: {alert}");
        }
        finally
        {
            // 7. Every process goes, whatever happened: stress-ng with its workers first, so the rest stops quickly.
            try
            {
                await DisposeAllAsync([stress, .. watchers, monitor, alertmanager]);
            }
            finally
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    [GeneratedRegex(@"Incident (?<id>INC-[0-9]+-[0-9]+) IncidentOpened:", RegexOptions.CultureInvariant)]
    private static partial Regex IncidentOpened();

    private static bool IsSecureMonitorDoS(JsonElement alert) =>
        alert.GetProperty("labels").TryGetProperty("alertname", out var name) && name.GetString() == "SecureMonitorDoS";

    private static string[] HostsOf(JsonElement alert) =>
        alert.GetProperty("annotations").TryGetProperty("hosts", out var hosts)
            ? hosts.GetString()!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];

    /// <summary>
    /// Polls Alertmanager's API (an external process: no event to wait on) until it shows the incident
    /// with its three hosts; returns every current alert of that moment.
    /// </summary>
    private static async Task<IReadOnlyList<JsonElement>> WaitForAlertmanagerAsync(AlertmanagerProcess alertmanager,
        SecureMonitorProcess monitor, string incidentId, TimeSpan within)
    {
        using var deadline = new CancellationTokenSource(within);
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        IReadOnlyList<JsonElement> alerts = [];
        try
        {
            do
            {
                alerts = await alertmanager.GetAlertsAsync(deadline.Token);
                if (alerts.Any(alert => IsSecureMonitorDoS(alert)
                        && alert.GetProperty("labels").GetProperty("incident").GetString() == incidentId
                        && HostsOf(alert).Length == Hosts.Length))
                {
                    return alerts;
                }
            }
            while (await poll.WaitForNextTickAsync(deadline.Token));
        }
        catch (OperationCanceledException)
        {
            // reported below
        }
        throw new Xunit.Sdk.XunitException(
            $"Alertmanager did not show incident {incidentId} with {Hosts.Length} hosts within {within}. Its alerts: "
            + $"{JsonSerializer.Serialize(alerts)}\nMonitor output:\n{string.Join('\n', monitor.Lines)}\nAlertmanager output:\n{alertmanager.Output}");
    }

    /// <summary>Runs a securemonitor command that ends by itself and requires it to succeed.</summary>
    private static async Task RunToCompletionAsync(string[] arguments, TimeSpan within)
    {
        await using var command = SecureMonitorProcess.Start(arguments);
        var exitCode = await command.WaitForExitAsync(within);
        Assert.True(exitCode == 0, $"securemonitor {string.Join(' ', arguments)} exited with {exitCode}:\n{string.Join('\n', command.Lines)}");
    }

    /// <summary>
    /// A watcher sampling every 200 ms with a heartbeat every second and one rule: CPU busy above 1 %,
    /// with no sustain time, so the load fires it at the first sample; it resolves only below 0.5 %.
    /// </summary>
    private static string WriteWatcherConfig(string work)
    {
        var file = Path.Combine(work, "watcher.conf");
        File.WriteAllText(file, """
            logging { level = Information, format = console }
            transport { max-frame-size = 64KiB, handshake-timeout = 10s, idle-timeout = 60s }
            watcher {
              # Required keys; each watcher's command line overrides them (--identity, --monitor, --data).
              identity-dir = "./identity"
              monitors = ["127.0.0.1:7800"]
              data-dir = "./data/watcher"
              sampling { interval = 200ms, proc-root = "/proc" }
              heartbeat-interval = 1s
              spool { max-size = 16MiB }
              reconnect { min-backoff = 100ms, max-backoff = 1s }
              thresholds = [ { id = cpu-high, metric = cpu.total, warn = 1, for = 0s, hysteresis = 0.5, cooldown = 0s } ]
            }
            """);
        return file;
    }

    /// <summary>Disposes every process (null ones skipped), even when some fail; then rethrows the failures.</summary>
    private static async Task DisposeAllAsync(IEnumerable<IAsyncDisposable?> processes)
    {
        var failures = new List<Exception>();
        foreach (var process in processes)
        {
            try
            {
                if (process is not null)
                {
                    await process.DisposeAsync();
                }
            }
            catch (Exception failure)
            {
                failures.Add(failure);
            }
        }
        if (failures.Count > 0)
        {
            throw new AggregateException("cleaning up the test's processes failed", failures);
        }
    }
}
