using System.Security.Authentication;

namespace SecureMonitor.Admin.Tests;

/// <summary><c>keys rotate</c> and <c>keys revoke</c> against the node's PKI directory.</summary>
public sealed class KeyTests(ITestOutputHelper output) : AdminTestBase(output)
{
    [Fact]
    public async Task A_rotated_key_is_written_for_the_operator_to_copy_and_the_old_one_keeps_working_through_the_grace_period()
    {
        var monitor = await StartMonitorAsync(NewPki(watchers: ["web-01"]));
        var admin = Admin(monitor);
        await using var old = await monitor.ConnectWatcherAsync("web-01");

        var rotated = await OkAsync(admin, "keys.rotate", "web-01", "--grace", "2h");

        Assert.Equal((2U, 1U), ((uint?)rotated["newKeyId"], (uint?)rotated["retiringKeyId"]));
        Assert.Equal(monitor.Pki.Paths.WatcherBundle("web-01"), Path.GetDirectoryName(rotated.Text("pskFile")));
        Assert.Contains("copy that file", rotated.Text("delivery"));
        Assert.Equal(2U, monitor.Pki.LoadWatcher("web-01").Psk!.KeyId);
        await old.SendAlertAsync(); // sealed under key 1, inside its grace period
        await using var renewed = await monitor.ConnectWatcherAsync("web-01");
        await renewed.SendAlertAsync(); // sealed under key 2, known to the node at once
        var keys = (await OkAsync(admin, "host", "web-01")).Objects("keys");
        Assert.Equal(["retiring", "current"], keys.Select(key => key.Text("state")));
    }

    [Fact]
    public async Task Revoking_a_host_drops_its_live_connection_and_refuses_its_next_handshake_at_once()
    {
        var monitor = await StartMonitorAsync(NewPki(watchers: ["web-01", "web-02"]));
        var admin = Admin(monitor);
        await using var live = await monitor.ConnectWatcherAsync("web-01");
        await live.SendAlertAsync();

        var revoked = await OkAsync(admin, "keys.revoke", "web-01", "--reason", "host compromised");

        Assert.Equal(true, (bool?)revoked["disconnected"]);
        Assert.Single(revoked.Array("revokedCertificates"));
        Assert.Equal([1U], revoked.Array("revokedKeyIds").Select(id => (uint)id!));
        await live.WaitForCloseAsync();
        // No reload interval to wait out: the node reloaded its key ring when it revoked.
        var attempt = await HostilePeers.AttemptTlsAsync(monitor.IPEndPoint, monitor.Pki.LoadWatcher("web-01").Certificate, SslProtocols.Tls13);
        Assert.True(attempt.Refused, attempt.ToString());
        await monitor.WaitForRejectionsAsync("web-01", RejectionReason.Revoked);
        await SendAlertsAsync(monitor, "web-02"); // everyone else carries on
        Assert.Contains("Nothing to revoke", (await FailsAsync(admin, "keys.revoke", "web-01")).Error);
    }
}
