using System.Text;

namespace SecureMonitor.Monitor.Tests.Handshake;

/// <summary>
/// Things that are not TLS at all, sent to the monitor port: each costs the attacker one counted
/// refusal and its own socket, while a watcher connected before and one connecting after are served.
/// </summary>
public sealed class HostileConnectionTests(ITestOutputHelper output) : MonitorTestBase(output)
{
    [Fact]
    public async Task A_plaintext_HTTP_request_is_refused_closed_and_counted_while_watchers_are_served()
    {
        var monitor = await StartMonitorWithWatchersAsync("web-01", "web-02");
        await using var before = await monitor.ConnectWatcherAsync("web-01");
        await before.SendAlertAsync();

        var request = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n");
        var outcome = await HostilePeers.SendAndWaitForCloseAsync(monitor.IPEndPoint, request);

        await monitor.WaitForRejectionsAsync(null, RejectionReason.NotTls, 1);
        Assert.True(outcome.BytesReceived < 64, $"no HTTP answer, at most a TLS alert: {outcome}");
        await AssertBothWatchersServedAsync(monitor, before);
    }

    [Fact]
    public async Task A_connection_that_sends_nothing_is_closed_after_the_handshake_timeout_and_counted()
    {
        var monitor = await StartMonitorAsync(NewPki(["web-01", "web-02"]), new MonitorHarnessOptions { HandshakeTimeout = TimeSpan.FromSeconds(1) });
        await using var before = await monitor.ConnectWatcherAsync("web-01");
        await before.SendAlertAsync();

        var outcome = await HostilePeers.ConnectSilentlyAndWaitForCloseAsync(monitor.IPEndPoint);

        await monitor.WaitForRejectionsAsync(null, RejectionReason.HandshakeTimeout, 1);
        // Closed by the timeout, not by anything else: not much before it, and long before our own bound.
        Assert.InRange(outcome.Elapsed, monitor.Options.HandshakeTimeout * 0.9, monitor.Options.HandshakeTimeout * 5);
        Assert.Equal(0, monitor.TotalRejections(RejectionReason.HandshakeFailed));
        await AssertBothWatchersServedAsync(monitor, before);
    }

    [Fact]
    public async Task Sixty_four_KiB_of_random_bytes_are_refused_closed_and_counted_while_watchers_are_served()
    {
        var monitor = await StartMonitorWithWatchersAsync("web-01", "web-02");
        await using var before = await monitor.ConnectWatcherAsync("web-01");
        await before.SendAlertAsync();
        var garbage = new byte[64 * 1024];
        new Random(20250101).NextBytes(garbage);

        var outcome = await HostilePeers.SendAndWaitForCloseAsync(monitor.IPEndPoint, garbage);

        await monitor.WaitForRejectionsAsync(null, garbage[0] == 0x16 ? RejectionReason.HandshakeFailed : RejectionReason.NotTls, 1);
        Assert.True(outcome.BytesReceived < 64, $"at most a TLS alert comes back: {outcome}");
        await AssertBothWatchersServedAsync(monitor, before);
    }

    /// <summary>The watcher connected before the attack is still acknowledged on the same connection,
    /// and a watcher connecting after it is too.</summary>
    private static async Task AssertBothWatchersServedAsync(MonitorHarness monitor, TestWatcherConnection before)
    {
        await before.SendAlertAsync("after-the-attack");
        Assert.Equal(2, monitor.Sink.AcceptedCount("web-01"));
        await AssertServesAGoodWatcherAsync(monitor, "web-02");
        Assert.Equal(0, monitor.RejectionCount("web-01", RejectionReason.HandshakeFailed));
        Assert.Equal(0, monitor.RejectionCount("web-01", RejectionReason.NotTls));
    }
}
