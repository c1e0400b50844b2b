namespace SecureMonitor.Monitor.Tests.Envelopes;

/// <summary>A watcher issued while the node runs is served at once, not refused as an unknown host
/// until the next key ring check. The clock stands still, so no periodic check can happen.</summary>
public sealed class NewlyIssuedWatcherTests(ITestOutputHelper output) : MonitorTestBase(output)
{
    [Fact]
    public async Task A_watcher_issued_after_the_node_started_is_accepted_at_once()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var pki = NewPki(watchers: ["web-01"], time: clock);
        var monitor = await StartMonitorAsync(pki);

        pki.IssueWatcher("web-02");
        await using var watcher = await monitor.ConnectWatcherAsync("web-02");
        var ack = await watcher.SendAlertAsync();

        Assert.Equal(AckStatus.Accepted, ack.Status);
        Assert.Equal(0, monitor.RejectionCount("web-02", RejectionReason.UnknownHost));
        Assert.Equal(1, monitor.Sink.AcceptedCount("web-02"));
    }
}
