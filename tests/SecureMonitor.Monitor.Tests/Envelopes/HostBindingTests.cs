namespace SecureMonitor.Monitor.Tests.Envelopes;

/// <summary>A watcher certificate speaks for its own host only, whatever keys its holder has.</summary>
public sealed class HostBindingTests(ITestOutputHelper output) : MonitorTestBase(output)
{
    [Fact]
    public async Task An_envelope_for_another_host_sealed_with_that_hosts_key_is_refused_as_host_mismatch()
    {
        var monitor = await StartMonitorWithWatchersAsync("web-01", "web-02");
        var otherHost = monitor.Pki.LoadWatcher("web-02");
        await using var watcher = await monitor.ConnectWatcherAsync("web-01");

        // The holder of web-01's certificate has stolen web-02's PSK: a perfectly sealed web-02 envelope.
        var forged = watcher.Seal(TestWatcherConnection.SampleAlert(), otherHost.Psk);
        var reply = await watcher.SendEnvelopeAsync(forged);

        Assert.Equal(RejectionReason.HostMismatch, TestWatcherConnection.ExpectRejection(reply));
        Assert.Equal(1, monitor.RejectionCount("web-01", RejectionReason.HostMismatch));
        Assert.Equal(0, monitor.Sink.AcceptedCount("web-02"));
        Assert.Equal(0, monitor.Sink.AcceptedCount("web-01"));
        // The connection stays up for its own host's traffic.
        await watcher.SendAlertAsync();
        Assert.Equal(1, monitor.Sink.AcceptedCount("web-01"));
    }

    [Fact]
    public async Task A_hello_naming_another_host_is_refused_and_the_connection_closed()
    {
        var monitor = await StartMonitorWithWatchersAsync("web-01", "web-02");
        await using var watcher = await monitor.ConnectWatcherAsync("web-01", hello: false);

        await watcher.SendAsync(Frames.Hello("web-02", TestWatcherConnection.AgentVersion));
        var beforeClose = await watcher.WaitForCloseAsync();

        var rejection = Assert.Single(beforeClose);
        Assert.Equal(RejectionReason.HostMismatch, TestWatcherConnection.ExpectRejection(rejection));
        Assert.Equal(1, monitor.RejectionCount("web-01", RejectionReason.HostMismatch));
        Assert.Equal(0, monitor.RejectionCount("web-02", RejectionReason.HostMismatch));
        await AssertServesAGoodWatcherAsync(monitor, "web-02");
    }
}
