using Google.Protobuf;

namespace SecureMonitor.Monitor.Tests.Security;

/// <summary>Repeated integrity failures from one host raise one "tampering suspected" alert.</summary>
public sealed class TamperingTests(ITestOutputHelper output) : MonitorTestBase(output)
{
    [Fact]
    public async Task Threshold_many_bad_envelopes_from_one_host_raise_exactly_one_tampering_suspected_alert()
    {
        var pki = NewPki(watchers: ["web-01", "web-02"]);
        var monitor = await StartMonitorAsync(pki, new MonitorHarnessOptions { TamperThreshold = 4, TamperWindow = TimeSpan.FromMinutes(5) });
        var threshold = monitor.Options.TamperThreshold;
        await using var watcher = await monitor.ConnectWatcherAsync("web-01");

        for (var bad = 1; bad < threshold; bad++)
        {
            Assert.Equal(RejectionReason.BadHmac, await SendWithBrokenMacAsync(watcher));
        }
        Assert.Equal(0, monitor.SecurityAlerts.Count);

        Assert.Equal(RejectionReason.BadHmac, await SendWithBrokenMacAsync(watcher));
        await monitor.SecurityAlerts.WaitForAsync(1, Eventually.DefaultWithin);
        // More of the same within the window: still the one alert, not one per envelope.
        for (var more = 0; more < threshold; more++)
        {
            await SendWithBrokenMacAsync(watcher);
        }

        var alert = Assert.Single(monitor.SecurityAlerts.Alerts);
        Assert.Equal("web-01", alert.HostId);
        Assert.Equal(threshold, alert.Failures);
        Assert.Equal(threshold, alert.Reasons[RejectionReason.BadHmac]);
        Assert.Equal(2 * threshold, monitor.RejectionCount("web-01", RejectionReason.BadHmac));
        // Another host's honest traffic is unaffected and raises nothing.
        await AssertServesAGoodWatcherAsync(monitor, "web-02");
        Assert.Single(monitor.SecurityAlerts.Alerts);
    }

    private static async Task<RejectionReason> SendWithBrokenMacAsync(TestWatcherConnection watcher)
    {
        var envelope = watcher.Seal(TestWatcherConnection.SampleAlert());
        var mac = envelope.Mac.ToByteArray();
        mac[^1] ^= 0x01;
        envelope.Mac = ByteString.CopyFrom(mac);
        return TestWatcherConnection.ExpectRejection(await watcher.SendEnvelopeAsync(envelope));
    }
}
