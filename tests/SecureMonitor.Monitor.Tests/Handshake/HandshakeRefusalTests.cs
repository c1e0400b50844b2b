using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace SecureMonitor.Monitor.Tests.Handshake;

/// <summary>
/// Clients the TLS layer must refuse, made with .NET's own SslStream over loopback: each refusal is
/// counted with its own reason (not one catch-all "handshake_failed"), shown by <c>status</c>, and the
/// node goes on serving an honest watcher.
/// </summary>
public sealed class HandshakeRefusalTests(ITestOutputHelper output) : MonitorTestBase(output)
{
    [Fact]
    public async Task A_client_without_a_certificate_is_refused_counted_and_the_node_keeps_serving()
    {
        var monitor = await StartMonitorWithWatchersAsync("web-01");

        var attempt = await HostilePeers.AttemptTlsAsync(monitor.IPEndPoint, clientCertificate: null, SslProtocols.Tls13);

        Assert.True(attempt.Refused, attempt.ToString());
        await monitor.WaitForRejectionsAsync(null, RejectionReason.NoClientCertificate, 1);
        Assert.True(monitor.Logs.Contains(ValidationFailures.NoClientCertificate), "the log should say why");
        Assert.Equal(0, monitor.TotalRejections(RejectionReason.HandshakeFailed));
        await AssertServesAGoodWatcherAsync(monitor, "web-01");
        Assert.Equal(1, monitor.TotalRejections());
    }

    [Fact]
    public async Task A_certificate_from_another_CA_is_refused_even_when_it_names_a_known_host()
    {
        var monitor = await StartMonitorWithWatchersAsync("web-01");
        var impostorPki = NewPki(watchers: ["web-01"], caName: "impostor");
        var impostor = impostorPki.LoadWatcher("web-01");

        var attempt = await HostilePeers.AttemptTlsAsync(monitor.IPEndPoint, impostor.Certificate, SslProtocols.Tls13);

        Assert.True(attempt.Refused, attempt.ToString());
        await monitor.WaitForRejectionsAsync(null, RejectionReason.ForeignCa, 1);
        Assert.True(monitor.Logs.Contains(ValidationFailures.NotIssuedByThisCa), "the log should say why");
        // A certificate our CA did not sign is never trusted to name a host, not even for counting.
        Assert.Equal(0, monitor.RejectionCount("web-01", RejectionReason.ForeignCa));
        await AssertServesAGoodWatcherAsync(monitor, "web-01");
        Assert.Equal(1, monitor.TotalRejections());
        // Operators see the reason where they see every refusal: the console's status.
        await using var console = await monitor.ConnectAsync(monitor.Pki.LoadAdmin());
        var status = await monitor.RunAdminCommandAsync(console, "status");
        Assert.Contains("\"reason\":\"foreign_ca\"", status.AdminResponse.ResultJson);
    }

    [Fact]
    public async Task A_revoked_watcher_certificate_is_refused_once_the_running_node_reloads_the_revocation_list()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var pki = NewPki(watchers: ["web-01", "web-02"], time: clock);
        var monitor = await StartMonitorAsync(pki);
        var revoked = pki.LoadWatcher("web-01");
        await using var openBeforeRevocation = await monitor.ConnectWatcherAsync(revoked);
        await openBeforeRevocation.SendAlertAsync();

        pki.Revoke("web-01");
        clock.Advance(FileKeyring.DefaultReloadCheckInterval);
        var attempt = await HostilePeers.AttemptTlsAsync(monitor.IPEndPoint, revoked.Certificate, SslProtocols.Tls13);

        Assert.True(attempt.Refused, attempt.ToString());
        await monitor.WaitForRejectionsAsync("web-01", RejectionReason.Revoked, 1);
        // The connection opened before does not go on either: the reload closed it.
        await openBeforeRevocation.WaitForCloseAsync();
        Assert.Equal(1, monitor.Sink.AcceptedCount("web-01"));
        await AssertServesAGoodWatcherAsync(monitor, "web-02");
    }

    [Fact]
    public async Task An_expired_watcher_certificate_is_refused_as_expired_and_counted_against_its_host()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var pki = NewPki(watchers: ["web-01"], time: clock);
        // The clock moves two years: a key ring check every day, not every 500 ms, between now and then.
        var monitor = await StartMonitorAsync(pki, new MonitorHarnessOptions { Time = clock, KeyringCheckInterval = TimeSpan.FromDays(1) });
        var expired = pki.LoadWatcher("web-01");

        clock.Advance(expired.Certificate.NotAfter.ToUniversalTime() - clock.GetUtcNow().UtcDateTime + TimeSpan.FromDays(1));
        var attempt = await HostilePeers.AttemptTlsAsync(monitor.IPEndPoint, expired.Certificate, SslProtocols.Tls13);

        Assert.True(attempt.Refused, attempt.ToString());
        // Our CA's signature on it still holds, so it may name the host it was issued to.
        await monitor.WaitForRejectionsAsync("web-01", RejectionReason.CertificateExpired, 1);
        Assert.Equal(1, monitor.TotalRejections());
    }

    [Fact]
    public async Task The_monitors_own_certificate_is_refused_as_a_client_since_it_is_not_a_client_certificate()
    {
        var pki = NewPki(watchers: ["web-01"]);
        var monitor = await StartMonitorAsync(pki);
        using var monitorCertificate = X509Certificate2.CreateFromPemFile(pki.Paths.MonitorCertificate, pki.Paths.MonitorKey);

        var attempt = await HostilePeers.AttemptTlsAsync(monitor.IPEndPoint, monitorCertificate, SslProtocols.Tls13);

        Assert.True(attempt.Refused, attempt.ToString());
        await monitor.WaitForRejectionsAsync(null, RejectionReason.WrongRole, 1);
        Assert.True(monitor.Logs.Contains(ValidationFailures.NotAClientCertificate), "the log should say why");
        await AssertServesAGoodWatcherAsync(monitor, "web-01");
        Assert.Equal(1, monitor.TotalRejections());
    }

    [Fact]
    public async Task A_TLS_12_only_client_is_refused_even_with_a_good_certificate()
    {
        var pki = NewPki(watchers: ["web-01"]);
        var monitor = await StartMonitorAsync(pki);

        var attempt = await HostilePeers.AttemptTlsAsync(monitor.IPEndPoint, pki.LoadWatcher("web-01").Certificate, SslProtocols.Tls12);

        Assert.False(attempt.HandshakeCompletedOnClient, attempt.ToString());
        Assert.True(attempt.Refused);
        await monitor.WaitForRejectionsAsync(null, RejectionReason.ProtocolMismatch, 1);
        Assert.Equal(0, monitor.RejectionCount("web-01", RejectionReason.ProtocolMismatch));
        await AssertServesAGoodWatcherAsync(monitor, "web-01");
        Assert.Equal(1, monitor.TotalRejections());
    }
}
