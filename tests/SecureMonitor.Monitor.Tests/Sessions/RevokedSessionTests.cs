using System.Diagnostics;
using SecureMonitor.Transport;

namespace SecureMonitor.Monitor.Tests.Sessions;

/// <summary>A revocation ends the sessions its certificate already has open (watcher, admin, viewer
/// with a tail running), whether it comes from <c>pki revoke</c> in another process (the node notices
/// the rewritten files at its next check, every <c>keyring-check-interval</c>) or from <c>keys revoke</c>.</summary>
public sealed class RevokedSessionTests(ITestOutputHelper output) : MonitorTestBase(output)
{
    [Fact]
    public async Task An_admin_revoked_by_pki_revoke_loses_its_open_session_at_the_next_key_ring_check()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var pki = NewPki(watchers: ["web-01"], time: clock);
        var ops = pki.IssueAdmin("ops");
        var monitor = await StartMonitorAsync(pki, new MonitorHarnessOptions { Time = clock });
        await using var admin = await monitor.ConnectAsync(ops);
        AssertOk(await monitor.RunAdminCommandAsync(admin, "status"));

        pki.Revoke("ops", CertificateRole.Admin);
        // The bound the issue asks for (1 s) is the configured check interval.
        Assert.True(monitor.Options.KeyringCheckInterval <= TimeSpan.FromSeconds(1), $"check interval {monitor.Options.KeyringCheckInterval}");
        clock.Advance(monitor.Options.KeyringCheckInterval);

        await AssertClosedAsync(admin, "the revoked admin's connection");
        Assert.Equal(0, monitor.Node.Sessions.CountOf(ops.Identity.Serial));
        await AssertServesAGoodWatcherAsync(monitor, "web-01");
    }

    [Fact]
    public async Task A_watcher_revoked_by_pki_revoke_is_disconnected_without_any_traffic_of_its_own()
    {
        var monitor = await StartMonitorWithWatchersAsync("web-01", "web-02");
        await using var watcher = await monitor.ConnectWatcherAsync("web-01");
        await watcher.SendAlertAsync();

        var started = Stopwatch.GetTimestamp();
        monitor.Pki.Revoke("web-01");
        await watcher.WaitForCloseAsync();
        Output.WriteLine($"closed {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms after the revocation was written");

        Assert.DoesNotContain("web-01", monitor.Node.Watchers.ConnectedHosts);
        Assert.Equal(0, monitor.Node.Sessions.CountOf(watcher.Identity.Identity.Serial));
        await AssertServesAGoodWatcherAsync(monitor, "web-02");
    }

    [Fact]
    public async Task A_viewer_revoked_by_pki_revoke_loses_its_session_and_its_tail()
    {
        var monitor = await StartMonitorAsync(NewPki(watchers: ["web-01"], viewers: ["victor"]));
        var victor = monitor.Pki.LoadAdmin("victor");
        await using var viewer = await monitor.ConnectAsync(victor);
        var opened = await monitor.RunAdminCommandAsync(viewer, "tail");
        Assert.True(opened.AdminResponse is { Ok: true, More: true }, opened.ToString());

        monitor.Pki.Revoke("victor", CertificateRole.Viewer);

        await AssertClosedAsync(viewer, "the revoked viewer's connection");
        Assert.Equal(0, monitor.Node.Sessions.CountOf(victor.Identity.Serial));
    }

    [Fact]
    public async Task Keys_revoke_closes_a_watcher_session_even_before_its_hello()
    {
        var monitor = await StartMonitorWithWatchersAsync("web-01");
        // No hello: the session is not yet in the push table, but it is a session of the certificate.
        await using var silent = await monitor.ConnectWatcherAsync("web-01", hello: false);
        await Eventually.WaitUntilAsync(() => monitor.Node.Sessions.CountOf(silent.Identity.Identity.Serial) == 1, () => "the silent session admitted");
        await using var admin = await monitor.ConnectAsync(monitor.Pki.LoadAdmin());

        AssertOk(await monitor.RunAdminCommandAsync(admin, "keys.revoke", "web-01"));

        await silent.WaitForCloseAsync();
        Assert.Equal(0, monitor.Node.Sessions.CountOf(silent.Identity.Identity.Serial));
    }

    internal static void AssertOk(Frame reply)
    {
        Assert.Equal(Frame.BodyOneofCase.AdminResponse, reply.BodyCase);
        Assert.True(reply.AdminResponse.Ok, reply.AdminResponse.Error);
    }

    /// <summary>Reads (skipping whatever was in flight, e.g. tail items) until the monitor closes the connection.</summary>
    internal static async Task AssertClosedAsync(FramedConnection connection, string what)
    {
        using var deadline = new CancellationTokenSource(Eventually.DefaultWithin);
        try
        {
            while ((await connection.ReadAsync(deadline.Token)).IsFrame)
            {
            }
        }
        catch (IOException)
        {
            // Reset by the monitor: closed too.
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            Assert.Fail($"The monitor did not close {what} within {Eventually.DefaultWithin.TotalSeconds} s.");
        }
    }
}
