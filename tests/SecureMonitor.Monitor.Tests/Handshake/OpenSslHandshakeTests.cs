namespace SecureMonitor.Monitor.Tests.Handshake;

/// <summary>
/// The same refusals with an independent TLS implementation: <c>openssl s_client</c> as a real
/// process. With TLS 1.3 the client finishes its side of the handshake before the server has judged
/// its certificate, so the client sends a line and learns of the refusal from the alert and the close.
/// </summary>
public sealed class OpenSslHandshakeTests(ITestOutputHelper output) : MonitorTestBase(output)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(10);

    [OpenSslFact]
    public async Task OpenSSL_with_a_good_watcher_certificate_gets_past_the_handshake_so_the_refusals_below_are_real()
    {
        var pki = NewPki(watchers: ["web-01"]);
        var monitor = await StartMonitorAsync(pki);

        var result = await RunAsync(monitor, WithCertificate(pki, "web-01"), "-tls1_3");

        Assert.True(result.HandshakeCompleted, result.ToString());
        // Authenticated as web-01; its text line is then refused as a frame (its first 4 bytes read as a
        // huge length), and openssl prints the monitor's Rejection frame it received.
        await monitor.WaitForRejectionsAsync("web-01", RejectionReason.Oversized, 1);
        Assert.Contains(RejectionReason.Oversized.ToMetricName(), result.Output);
        Assert.Equal(0, monitor.TotalRejections(RejectionReason.HandshakeFailed));
    }

    [OpenSslFact]
    public async Task OpenSSL_speaking_only_TLS_12_is_refused_and_counted()
    {
        var pki = NewPki(watchers: ["web-01"]);
        var monitor = await StartMonitorAsync(pki);

        var result = await RunAsync(monitor, WithCertificate(pki, "web-01"), "-tls1_2");

        Assert.False(result.HandshakeCompleted, result.ToString());
        Assert.True(result.GotAlert, result.ToString()); // protocol_version
        await monitor.WaitForRejectionsAsync(null, RejectionReason.ProtocolMismatch, 1);
        await AssertServesAGoodWatcherAsync(monitor, "web-01");
    }

    [OpenSslFact]
    public async Task OpenSSL_without_a_client_certificate_is_refused_after_its_side_of_the_handshake_and_counted()
    {
        var monitor = await StartMonitorWithWatchersAsync("web-01");

        var result = await RunAsync(monitor, [], "-tls1_3");

        Assert.True(result.CutOff, result.ToString());
        Assert.DoesNotContain(RejectionReason.Oversized.ToMetricName(), result.Output);
        await monitor.WaitForRejectionsAsync(null, RejectionReason.NoClientCertificate, 1);
        Assert.True(monitor.Logs.Contains(ValidationFailures.NoClientCertificate), "the log should say why");
        Assert.Equal(0, monitor.TotalRejections(RejectionReason.Oversized)); // its line never reached the frame reader
        await AssertServesAGoodWatcherAsync(monitor, "web-01");
    }

    [OpenSslFact]
    public async Task OpenSSL_with_a_certificate_from_another_CA_is_refused_and_counted()
    {
        var monitor = await StartMonitorWithWatchersAsync("web-01");
        var impostorPki = NewPki(watchers: ["web-01"], caName: "impostor");

        var result = await RunAsync(monitor, WithCertificate(impostorPki, "web-01"), "-tls1_3");

        Assert.True(result.CutOff, result.ToString());
        Assert.DoesNotContain(RejectionReason.Oversized.ToMetricName(), result.Output);
        await monitor.WaitForRejectionsAsync(null, RejectionReason.ForeignCa, 1);
        Assert.True(monitor.Logs.Contains(ValidationFailures.NotIssuedByThisCa), "the log should say why");
        Assert.Equal(0, monitor.TotalRejections(RejectionReason.Oversized));
        await AssertServesAGoodWatcherAsync(monitor, "web-01");
    }

    [OpenSslFact]
    public async Task OpenSSL_with_a_revoked_watcher_certificate_is_refused_and_counted_for_that_host()
    {
        var pki = NewPki(watchers: ["web-01", "web-02"]);
        pki.Revoke("web-01");
        var monitor = await StartMonitorAsync(pki);

        var result = await RunAsync(monitor, WithCertificate(pki, "web-01"), "-tls1_3");

        Assert.True(result.CutOff, result.ToString());
        Assert.DoesNotContain(RejectionReason.Oversized.ToMetricName(), result.Output);
        await monitor.WaitForRejectionsAsync("web-01", RejectionReason.Revoked, 1);
        Assert.Equal(0, monitor.TotalRejections(RejectionReason.Oversized));
        await AssertServesAGoodWatcherAsync(monitor, "web-02");
    }

    [OpenSslFact]
    public async Task OpenSSL_resuming_a_TLS_session_after_its_certificate_was_revoked_is_refused()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var pki = NewPki(watchers: ["web-01", "web-02"], time: clock);
        var monitor = await StartMonitorAsync(pki);
        var session = Path.Combine(pki.Root, "web-01.session.pem");
        var first = await RunAsync(monitor, [.. WithCertificate(pki, "web-01"), "-sess_out", session], "-tls1_3");
        Assert.True(first.HandshakeCompleted, first.ToString());
        Assert.True(File.Exists(session), "openssl saved the session ticket it was given");
        await monitor.WaitForRejectionsAsync("web-01", RejectionReason.Oversized, 1); // it was in

        pki.Revoke("web-01");
        clock.Advance(FileKeyring.DefaultReloadCheckInterval);
        // Resumption presents no certificate: the server must judge the one remembered in the session.
        var resumed = await RunAsync(monitor, ["-sess_in", session], "-tls1_3");

        Assert.True(resumed.CutOff, resumed.ToString());
        Assert.DoesNotContain(RejectionReason.Oversized.ToMetricName(), resumed.Output);
        Assert.Equal(1, monitor.RejectionCount("web-01", RejectionReason.Oversized)); // its line never reached the frame reader again
        await monitor.WaitForRejectionsAsync("web-01", RejectionReason.Revoked, 1);
        await AssertServesAGoodWatcherAsync(monitor, "web-02");
    }

    private async Task<OpenSslResult> RunAsync(MonitorHarness monitor, string[] certificateOptions, string protocol)
    {
        var result = await OpenSslClient.RunAsync(monitor.IPEndPoint, monitor.Pki.CaCertificateFile, [.. certificateOptions, protocol], Within);
        Output.WriteLine("--- openssl s_client ---");
        Output.WriteLine(result.ToString());
        return result;
    }

    private static string[] WithCertificate(PkiFixture pki, string hostId)
    {
        var bundle = pki.Paths.WatcherBundle(hostId);
        return ["-cert", Path.Combine(bundle, IdentityBundle.CertificateFileName), "-key", Path.Combine(bundle, IdentityBundle.PrivateKeyFileName)];
    }
}
