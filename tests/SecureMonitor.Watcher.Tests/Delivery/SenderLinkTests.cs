using Akka.Actor;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.TestKit.Monitors;
using SecureMonitor.TestKit.Processes;
using SecureMonitor.Watcher.Delivery;
using Xunit;
using AlertQuery = SecureMonitor.Storage.AlertQuery;

namespace SecureMonitor.Watcher.Tests.Delivery;

/// <summary>
/// The sender's link state machine against a real monitor over TLS that goes away and comes back
/// (same port, same store): Live → Draining → Disconnected → Connecting → Live, with what was raised
/// in between delivered, and everything stored exactly once.
/// </summary>
public sealed class SenderLinkTests : IAsyncDisposable
{
    private const string Host = "web-03";
    private readonly PkiFixture _pki = PkiFixture.WithWatchers(Host);
    private readonly string _watcherData = Directory.CreateTempSubdirectory("sm-watcher-").FullName;
    private readonly string _monitorData = Directory.CreateTempSubdirectory("sm-monitor-").FullName;
    private readonly int _port = LoopbackPort.Free();
    private readonly LogCapture _log = new();
    private volatile int _queueDepth;

    public ValueTask DisposeAsync()
    {
        _pki.Dispose();
        Directory.Delete(_watcherData, recursive: true);
        Directory.Delete(_monitorData, recursive: true);
        return ValueTask.CompletedTask;
    }

    private Task<MonitorHarness> StartMonitorAsync() =>
        MonitorHarness.StartAsync(_pki, new MonitorHarnessOptions { Port = _port, DataDirectory = _monitorData });

    private WatcherNode StartWatcher() => WatcherNode.Start(new WatcherOptions
    {
        IdentityDirectory = _pki.Paths.WatcherBundle(Host),
        Monitors = [new Transport.MonitorEndpoint("127.0.0.1", _port)],
        DataDirectory = _watcherData,
        SamplingInterval = TimeSpan.FromMilliseconds(50),
        HeartbeatInterval = TimeSpan.FromMilliseconds(200),
        MinBackoff = TimeSpan.FromMilliseconds(20),
        MaxBackoff = TimeSpan.FromMilliseconds(100),
        Thresholds = [new Dictionary<string, string> { ["id"] = "queue", ["metric"] = "queue.depth", ["warn"] = "50", ["for"] = "0s" }],
    }, _log, TimeProvider.System, () => new Dictionary<string, double> { ["queue.depth"] = _queueDepth });

    private static Task WaitForLinkAsync(WatcherNode watcher, SenderLinkState state) =>
        Eventually.WaitUntilAsync(async () =>
            (await watcher.Root.Ask<DeliveryStatus>(GetDeliveryStatus.Instance, TimeSpan.FromSeconds(5))).Link == state,
            () => $"the link {state}");

    private Task WaitForEventsAsync(string @event, int count) =>
        Eventually.WaitUntilAsync(() => _log.Lines.Count(line => line.Message.Contains($"Threshold {@event} rule=queue", StringComparison.Ordinal)) >= count,
            () => $"{count} '{@event}' event(s) raised");

    [Fact]
    public async Task A_monitor_that_goes_away_and_comes_back_gets_everything_raised_meanwhile_exactly_once()
    {
        await using var watcher = StartWatcher();
        var first = await StartMonitorAsync();
        int mark;
        try
        {
            await WaitForLinkAsync(watcher, SenderLinkState.Live);
            _queueDepth = 100;
            await WaitForEventsAsync("Fired", 1);
            await Eventually.WaitUntilAsync(() => first.Sink.RecentAlerts(Host).Count >= 1, () => "the first alert at the monitor");
            mark = _log.Lines.Count;
        }
        finally
        {
            await first.DisposeAsync();
        }

        // The monitor is gone: a resolution and a second firing can only be spooled.
        await WaitForLinkAsync(watcher, SenderLinkState.Disconnected);
        _queueDepth = 0;
        await WaitForEventsAsync("Resolved", 1);
        _queueDepth = 100;
        await WaitForEventsAsync("Fired", 2);

        await using var second = await StartMonitorAsync();
        await WaitForLinkAsync(watcher, SenderLinkState.Live);
        await Eventually.WaitUntilAsync(() => second.Sink.RecentAlerts(Host).Count >= 2, () => "the spooled alerts at the monitor again");

        var transitions = _log.Lines.Skip(mark).Select(line => line.Message).Where(message => message.StartsWith("Monitor link ", StringComparison.Ordinal)).ToList();
        string[] expected = ["Live -> Draining", "Draining -> Disconnected", "Disconnected -> Connecting", "Connecting -> Live"];
        Assert.True(IsSubsequence(expected, transitions), "transitions: " + string.Join(" | ", transitions));

        var stored = await second.Node.Store.ListAlertsAsync(new AlertQuery { Host = Host, Limit = 100 });
        Assert.Equal(3, stored.Count);
        Assert.Equal(3, stored.Select(row => row.Sequence).Distinct().Count());
        // The first firing was stored before the monitor went: the hello answer's high-water mark keeps it from being sent again.
        Assert.Equal([AlertState.Resolved, AlertState.Firing], second.Sink.RecentAlerts(Host).Select(received => received.Alert.State));
    }

    [Fact]
    public async Task A_monitor_that_goes_silent_with_the_link_open_is_given_up_for_the_next_one()
    {
        await using var monitor = await StartMonitorAsync();
        await using var proxy = new TestKit.Network.LoopbackProxy(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, _port));
        // The silent one first, as a watcher lists the monitor it last used first.
        await using var watcher = WatcherNode.Start(new WatcherOptions
        {
            IdentityDirectory = _pki.Paths.WatcherBundle(Host),
            Monitors = [new Transport.MonitorEndpoint("127.0.0.1", proxy.Port), new Transport.MonitorEndpoint("127.0.0.1", _port)],
            DataDirectory = _watcherData,
            SamplingInterval = TimeSpan.FromMilliseconds(50),
            HeartbeatInterval = TimeSpan.FromMilliseconds(200),
            MinBackoff = TimeSpan.FromMilliseconds(20),
            MaxBackoff = TimeSpan.FromMilliseconds(100),
            SilenceTimeout = TimeSpan.FromSeconds(1),
            Thresholds = [new Dictionary<string, string> { ["id"] = "queue", ["metric"] = "queue.depth", ["warn"] = "50", ["for"] = "0s" }],
        }, _log, TimeProvider.System, () => new Dictionary<string, double> { ["queue.depth"] = _queueDepth });
        await Eventually.WaitUntilAsync(async () =>
            (await watcher.Root.Ask<DeliveryStatus>(GetDeliveryStatus.Instance, TimeSpan.FromSeconds(5))) is { Link: SenderLinkState.Live } status
                && status.Endpoint == $"127.0.0.1:{proxy.Port}", () => "the link live through the proxy");

        // Frozen, as a paused monitor host: the connection stays open and nothing comes back.
        proxy.Partition();
        _queueDepth = 100;
        await WaitForEventsAsync("Fired", 1);

        await Eventually.WaitUntilAsync(() => monitor.Sink.RecentAlerts(Host).Count >= 1, () => "the alert delivered through the next monitor");
        Assert.Contains(_log.Lines, line => line.Message.Contains($"Monitor 127.0.0.1:{proxy.Port} answered nothing for", StringComparison.Ordinal));
    }

    private static bool IsSubsequence(IReadOnlyList<string> wanted, IReadOnlyList<string> messages)
    {
        var next = 0;
        foreach (var message in messages)
        {
            if (next < wanted.Count && message.EndsWith(wanted[next], StringComparison.Ordinal))
            {
                next++;
            }
        }
        return next == wanted.Count;
    }
}
