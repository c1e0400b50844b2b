using Akka.Actor;
using Microsoft.Extensions.Logging.Abstractions;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.TestKit.Monitors;
using SecureMonitor.Watcher.Delivery;
using SecureMonitor.Watcher.Thresholds;
using Xunit;

namespace SecureMonitor.Watcher.Tests.Delivery;

/// <summary>An in-process watcher with scripted metrics talking to a real monitor over TLS.</summary>
public sealed class ThresholdPushTests : IAsyncDisposable
{
    private const string Host = "web-02";
    private readonly PkiFixture _pki = PkiFixture.WithWatchers(Host);
    private readonly string _data = Directory.CreateTempSubdirectory("sm-watcher-").FullName;
    private volatile int _queueDepth = 20;

    public ValueTask DisposeAsync()
    {
        _pki.Dispose();
        Directory.Delete(_data, recursive: true);
        return ValueTask.CompletedTask;
    }

    private WatcherOptions Options(MonitorHarness monitor, params IReadOnlyDictionary<string, string>[] thresholds) => new()
    {
        IdentityDirectory = _pki.Paths.WatcherBundle(Host),
        Monitors = [monitor.Endpoint],
        DataDirectory = _data,
        SamplingInterval = TimeSpan.FromMilliseconds(50),
        HeartbeatInterval = TimeSpan.FromMilliseconds(200),
        MinBackoff = TimeSpan.FromMilliseconds(20),
        MaxBackoff = TimeSpan.FromMilliseconds(100),
        Thresholds = thresholds,
    };

    private IReadOnlyDictionary<string, double> Metrics() => new Dictionary<string, double> { ["queue.depth"] = _queueDepth };

    [Fact]
    public async Task Heartbeats_reach_the_monitor_and_their_acknowledgements_reach_the_watcher()
    {
        await using var monitor = await MonitorHarness.StartAsync(_pki);
        await using var watcher = WatcherNode.Start(Options(monitor), NullLoggerFactory.Instance, TimeProvider.System, Metrics);

        await Eventually.WaitUntilAsync(() => monitor.Sink.AcceptedCount(Host) >= 2, () => "two heartbeats at the monitor");

        // The monitor counts a message when it is stored, a moment before its acknowledgement leaves.
        using var deadline = new CancellationTokenSource(Eventually.DefaultWithin);
        DeliveryStatus status;
        do
        {
            status = await watcher.Root.Ask<DeliveryStatus>(GetDeliveryStatus.Instance, TimeSpan.FromSeconds(5), deadline.Token);
        }
        while (status.Delivered < 2);
        Assert.True(status.Connected);
    }

    [Fact]
    public async Task A_watcher_fails_over_from_a_dead_monitor_endpoint_to_the_next_one()
    {
        await using var monitor = await MonitorHarness.StartAsync(_pki);
        using var dead = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        dead.Start(); // takes a port, then refuses everything below
        var deadPort = ((System.Net.IPEndPoint)dead.LocalEndpoint).Port;
        dead.Stop();
        var options = Options(monitor) with { Monitors = [new Transport.MonitorEndpoint("127.0.0.1", deadPort), monitor.Endpoint] };

        await using var watcher = WatcherNode.Start(options, NullLoggerFactory.Instance, TimeProvider.System, Metrics);

        await Eventually.WaitUntilAsync(() => monitor.Sink.AcceptedCount(Host) >= 1, () => "a heartbeat through the second endpoint");
    }

    [Fact]
    public async Task Rules_pushed_by_the_monitor_are_applied_persisted_acknowledged_and_change_when_the_watcher_alerts()
    {
        await using var monitor = await MonitorHarness.StartAsync(_pki);
        var configured = new Dictionary<string, string> { ["id"] = "queue", ["metric"] = "queue.depth", ["warn"] = "50", ["for"] = "0s" };
        await using (var watcher = WatcherNode.Start(Options(monitor, configured), NullLoggerFactory.Instance, TimeProvider.System, Metrics))
        {
            // Depth 20 is under the configured level of 50: heartbeats flow, no alert.
            await Eventually.WaitUntilAsync(() => monitor.Sink.AcceptedCount(Host) >= 2, () => "heartbeats at the monitor");
            Assert.Empty(monitor.Sink.RecentAlerts(Host));

            var update = new ThresholdUpdate { Revision = 7 };
            update.Rules.Add(new ThresholdRule { Id = "queue", Metric = "queue.depth", Warn = 10, ForMs = 0, Above = true });
            // Heartbeats were accepted, so the session knows the watcher's key and can seal to it.
            Assert.True(await monitor.Node.Watchers.PushAsync(Host, new MonitorMessage { ThresholdUpdate = update }, CancellationToken.None));

            await Eventually.WaitUntilAsync(() => monitor.Sink.AppliedThresholdsRevision(Host) == 7, () => "revision 7 acknowledged");
            await Eventually.WaitUntilAsync(() => monitor.Sink.RecentAlerts(Host).Count >= 1, () => "an alert under the new level");
            var alert = monitor.Sink.RecentAlerts(Host)[0].Alert;
            Assert.Equal(("queue", AlertState.Firing, 10d, 20d), (alert.RuleId, alert.State, alert.Threshold, alert.Value));

            var states = await watcher.Root.Ask<ThresholdStates>(GetThresholdStates.Instance, TimeSpan.FromSeconds(5));
            Assert.Equal(7, states.Revision);
        }

        // The pushed rules outlive a restart: they, not the configured ones, are in force again.
        Assert.True(File.Exists(Path.Combine(_data, "thresholds.pb")));
        await using var restarted = WatcherNode.Start(Options(monitor, configured), NullLoggerFactory.Instance, TimeProvider.System, Metrics);
        var restored = await restarted.Root.Ask<ThresholdStates>(GetThresholdStates.Instance, TimeSpan.FromSeconds(5));
        Assert.Equal(7, restored.Revision);
    }
}
