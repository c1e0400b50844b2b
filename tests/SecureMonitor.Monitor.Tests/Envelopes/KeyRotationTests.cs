namespace SecureMonitor.Monitor.Tests.Envelopes;

/// <summary>Rotating a host's PSK on a running node: the new key at once, the old one for the grace
/// period only. Time passes on the manual clock, never in real time.</summary>
public sealed class KeyRotationTests(ITestOutputHelper output) : MonitorTestBase(output)
{
    [Fact]
    public async Task After_rotation_the_new_key_is_accepted_and_the_old_one_only_until_the_grace_period_ends()
    {
        var grace = TimeSpan.FromMinutes(10);
        // The certificates and the TLS validation use this clock too: start it at the real time.
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var pki = NewPki(watchers: ["web-01"], time: clock);
        var monitor = await StartMonitorAsync(pki);
        await using var watcher = await monitor.ConnectWatcherAsync("web-01");
        var oldKey = watcher.Psk;
        await watcher.SendAlertAsync("before-rotation");

        var rotation = pki.RotateKey("web-01", grace);
        // The running node notices the rewritten key ring at its next check.
        clock.Advance(FileKeyring.DefaultReloadCheckInterval);
        var newKey = pki.LoadWatcher("web-01").Psk!;
        Assert.Equal(rotation.NewKeyId, newKey.KeyId);
        Assert.NotEqual(oldKey.KeyId, newKey.KeyId);

        TestWatcherConnection.ExpectAck(await watcher.SendEnvelopeAsync(watcher.Seal(TestWatcherConnection.SampleAlert("new-key"), newKey)), AckStatus.Accepted);
        // Sealed before the watcher switched, still in flight: within the grace period it verifies.
        TestWatcherConnection.ExpectAck(await watcher.SendEnvelopeAsync(watcher.Seal(TestWatcherConnection.SampleAlert("old-key-in-grace"), oldKey)), AckStatus.Accepted);

        clock.Advance(grace);
        var late = await watcher.SendEnvelopeAsync(watcher.Seal(TestWatcherConnection.SampleAlert("old-key-after-grace"), oldKey));

        Assert.Equal(RejectionReason.KeyExpired, TestWatcherConnection.ExpectRejection(late));
        Assert.Equal(1, monitor.RejectionCount("web-01", RejectionReason.KeyExpired));
        TestWatcherConnection.ExpectAck(await watcher.SendEnvelopeAsync(watcher.Seal(TestWatcherConnection.SampleAlert("new-key-later"), newKey)), AckStatus.Accepted);
        Assert.Equal(4, monitor.Sink.AcceptedCount("web-01"));
    }
}
