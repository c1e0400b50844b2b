namespace SecureMonitor.Monitor.Tests;

/// <summary>
/// Owns what a test starts (PKI folders, monitor nodes) and tears it down after the test, printing
/// each node's captured log to the test output so a failure shows what the node saw.
/// </summary>
public abstract class MonitorTestBase(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<PkiFixture> _pkis = [];
    private readonly List<MonitorHarness> _monitors = [];

    protected ITestOutputHelper Output { get; } = output;

    /// <summary>A PKI with watchers and viewers as named; the admin <c>admin</c> always exists.</summary>
    protected PkiFixture NewPki(string[]? watchers = null, string[]? viewers = null, TimeProvider? time = null, string caName = "test")
    {
        var pki = new PkiFixture(watchers: watchers, viewers: viewers, time: time, caName: caName);
        _pkis.Add(pki);
        return pki;
    }

    protected async Task<MonitorHarness> StartMonitorAsync(PkiFixture pki, MonitorHarnessOptions? options = null)
    {
        var monitor = await MonitorHarness.StartAsync(pki, options ?? new MonitorHarnessOptions { Time = pki.Time });
        _monitors.Add(monitor);
        return monitor;
    }

    /// <summary>A PKI with the given watchers (system clock) and a node serving it.</summary>
    protected Task<MonitorHarness> StartMonitorWithWatchersAsync(params string[] watchers) => StartMonitorAsync(NewPki(watchers));

    /// <summary>The node still serves honest traffic: a fresh connection of <paramref name="hostId"/>
    /// has an alert acknowledged as accepted.</summary>
    protected static async Task AssertServesAGoodWatcherAsync(MonitorHarness monitor, string hostId)
    {
        var accepted = monitor.Sink.AcceptedCount(hostId);
        await using var watcher = await monitor.ConnectWatcherAsync(hostId);
        var ack = await watcher.SendAlertAsync();
        Assert.Equal(AckStatus.Accepted, ack.Status);
        Assert.Equal(accepted + 1, monitor.Sink.AcceptedCount(hostId));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        for (var index = _monitors.Count - 1; index >= 0; index--)
        {
            var monitor = _monitors[index];
            await monitor.DisposeAsync();
            Output.WriteLine($"--- log of monitor #{index} ({monitor.Options.NodeId}) ---");
            Output.WriteLine(monitor.Logs.Dump());
        }
        foreach (var pki in _pkis)
        {
            pki.Dispose();
        }
    }
}
