namespace SecureMonitor.Monitor.Tests;

/// <summary>
/// Owns what a test starts (PKI folders, monitor nodes) and tears it down after the test, printing
/// each node's captured log to the test output so a failure shows what the node saw.
/// </summary>
public abstract class MonitorTestBase : IAsyncLifetime
{
    private readonly MonitorTestScope _scope;

    protected MonitorTestBase(ITestOutputHelper output)
    {
        Output = output;
        _scope = new MonitorTestScope(output.WriteLine);
    }

    protected ITestOutputHelper Output { get; }

    /// <summary>A PKI with watchers and viewers as named; the admin <c>admin</c> always exists.</summary>
    protected PkiFixture NewPki(string[]? watchers = null, string[]? viewers = null, TimeProvider? time = null, string caName = "test") =>
        _scope.NewPki(watchers, viewers, time, caName);

    protected Task<MonitorHarness> StartMonitorAsync(PkiFixture pki, MonitorHarnessOptions? options = null) => _scope.StartMonitorAsync(pki, options);

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

    public async Task DisposeAsync() => await _scope.DisposeAsync();
}
