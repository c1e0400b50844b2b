using System.Net;
using System.Net.Sockets;
using SecureMonitor.Protocol.Wire;
using AlertQuery = SecureMonitor.Storage.AlertQuery;
using SecureMonitor.TestKit.Monitors;
using SecureMonitor.TestKit.Processes;
using Xunit;

namespace SecureMonitor.Watcher.Tests.Durability;

/// <summary>
/// A real watcher process (the securemonitor CLI) whose only metric source is a proc root the test
/// writes: flipping /proc/loadavg between 0 and 100 makes a rule with no sustain time, hysteresis or
/// cooldown fire and resolve once per flip. The test waits for the watcher to log each event, so it
/// knows exactly what was raised, then checks the monitor received exactly that: nothing lost across
/// a dead monitor or kill -9, nothing counted twice.
/// </summary>
public sealed class WatcherDurabilityTests : IAsyncDisposable
{
    private const string Host = "web-01";
    private const string RuleId = ScriptedLoadWatchers.RuleId;
    private readonly PkiFixture _pki = PkiFixture.WithWatchers(Host);
    private readonly string _work = Directory.CreateTempSubdirectory("sm-durability-").FullName;
    private readonly int _port = FreeLoopbackPort();
    private readonly ScriptedLoadWatchers _load;
    private int _flips;

    public WatcherDurabilityTests() => _load = new ScriptedLoadWatchers(_work);

    public async ValueTask DisposeAsync()
    {
        await Task.CompletedTask;
        _pki.Dispose();
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task Alerts_raised_while_the_monitor_is_down_are_delivered_once_it_is_up_even_across_kill_9()
    {
        _load.WriteLoad(0);
        var watcher = StartWatcher();
        try
        {
            // The monitor does not exist yet: six events are raised and can only be spooled.
            for (var flip = 0; flip < 6; flip++)
            {
                await FlipAsync(watcher);
            }
            await watcher.KillHardAsync(); // kill -9 between raising and delivery
        }
        finally
        {
            await watcher.DisposeAsync();
        }

        await using var monitor = await MonitorHarness.StartAsync(_pki, new MonitorHarnessOptions { Port = _port });
        var restarted = StartWatcher();
        try
        {
            await WaitForAlertsAsync(monitor, 6);

            // With the monitor up, more events; then kill -9 right after the last is raised, while
            // its delivery (or its acknowledgement) may be in flight, and restart once more.
            for (var flip = 0; flip < 4; flip++)
            {
                await FlipAsync(restarted);
            }
            await restarted.KillHardAsync();
        }
        finally
        {
            await restarted.DisposeAsync();
        }

        var last = StartWatcher();
        try
        {
            await WaitForAlertsAsync(monitor, 10);
            await FlipAsync(last);
            await WaitForAlertsAsync(monitor, 11);
        }
        finally
        {
            await last.DisposeAsync();
        }

        var alerts = monitor.Sink.RecentAlerts(Host).Where(received => received.Alert.RuleId == RuleId).ToList();
        Assert.Equal(11, alerts.Count);
        Assert.Equal(alerts.Count, alerts.Select(received => received.Sequence).Distinct().Count());
        // Delivered in the order raised: fire, resolve, fire, ...
        Assert.Equal(Enumerable.Range(0, 11).Select(index => index % 2 == 0 ? AlertState.Firing : AlertState.Resolved),
            alerts.Select(received => received.Alert.State));
        Assert.True(alerts.Zip(alerts.Skip(1)).All(pair => pair.First.Sequence < pair.Second.Sequence), "sequences must increase");

        // The monitor's store, the record that survives it, holds each of them exactly once.
        var stored = await monitor.Node.Store.ListAlertsAsync(new AlertQuery { Host = Host, Limit = 100 });
        Assert.Equal(alerts.Select(received => received.Sequence).Order(), stored.Select(row => row.Sequence).Order());
    }

    /// <summary>Flips the load and waits for the watcher to log the event it causes.</summary>
    private async Task FlipAsync(SecureMonitorProcess watcher)
    {
        _flips++;
        var firing = _flips % 2 == 1;
        _load.WriteLoad(firing ? 100 : 0);
        var fired = (_flips + 1) / 2;
        var resolved = _flips / 2;
        await watcher.WaitForLinesAsync(line => line.Contains($"Threshold {(firing ? "Fired" : "Resolved")} rule={RuleId}", StringComparison.Ordinal),
            firing ? fired - FiredBefore(watcher) : resolved - ResolvedBefore(watcher), $"flip {_flips} to be raised");
    }

    // A restarted process logs only its own events: count what earlier processes already raised.
    private readonly Dictionary<int, (int Fired, int Resolved)> _baseline = [];

    private int FiredBefore(SecureMonitorProcess watcher) => _baseline[watcher.Id].Fired;

    private int ResolvedBefore(SecureMonitorProcess watcher) => _baseline[watcher.Id].Resolved;

    private SecureMonitorProcess StartWatcher()
    {
        var process = SecureMonitorProcess.Start(["watcher", "--config",
            _load.WriteConfig(Host, _pki.Paths.WatcherBundle(Host), [$"127.0.0.1:{_port}"], heartbeat: "1h", minBackoff: "50ms", maxBackoff: "300ms")]);
        _baseline[process.Id] = ((_flips + 1) / 2, _flips / 2);
        return process;
    }

    private static async Task WaitForAlertsAsync(MonitorHarness monitor, int count) =>
        await Eventually.WaitUntilAsync(
            () => monitor.Sink.RecentAlerts(Host).Count(received => received.Alert.RuleId == RuleId) >= count,
            () => $"{count} alerts at the monitor; it has {monitor.Sink.RecentAlerts(Host).Count}",
            TimeSpan.FromSeconds(30));

    private static int FreeLoopbackPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
