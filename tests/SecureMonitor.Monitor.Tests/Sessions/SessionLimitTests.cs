namespace SecureMonitor.Monitor.Tests.Sessions;

/// <summary>How many sessions one certificate may hold: a watcher host one (the newest wins, the
/// older is closed, and the push table follows the live one), an admin or viewer certificate a few.</summary>
public sealed class SessionLimitTests(ITestOutputHelper output) : MonitorTestBase(output)
{
    [Fact]
    public async Task A_second_session_of_a_watcher_closes_the_first_and_pushes_reach_the_second()
    {
        var monitor = await StartMonitorWithWatchersAsync("web-01");
        await using var first = await monitor.ConnectWatcherAsync("web-01");
        await first.SendAlertAsync();

        await using var second = await monitor.ConnectWatcherAsync("web-01");
        await first.WaitForCloseAsync();
        await second.SendAlertAsync(); // proves its key, so the monitor can seal pushes to it

        Assert.Contains("web-01", monitor.Node.Watchers.ConnectedHosts);
        Assert.True(await monitor.Node.Watchers.PushAsync("web-01", new MonitorMessage { ThresholdUpdate = new ThresholdUpdate { Revision = 3 } },
            CancellationToken.None), "the push table points at the live session");
        var pushed = await second.ReadFrameAsync();
        Assert.Equal(Frame.BodyOneofCase.Envelope, pushed.BodyCase);
        Assert.Equal(1, monitor.Node.Sessions.CountOf(second.Identity.Identity.Serial));
    }

    [Fact]
    public async Task Many_sessions_of_one_watcher_certificate_leave_only_the_newest_open()
    {
        var monitor = await StartMonitorWithWatchersAsync("web-01");
        var bundle = monitor.Pki.LoadWatcher("web-01");
        var older = new List<TestWatcherConnection>();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                older.Add(await monitor.ConnectWatcherAsync(bundle));
            }
            var newest = older[^1];
            older.RemoveAt(older.Count - 1);
            await using (newest)
            {
                foreach (var connection in older)
                {
                    await connection.WaitForCloseAsync();
                }
                Assert.Equal(AckStatus.Accepted, (await newest.SendAlertAsync()).Status);
                Assert.Equal(1, monitor.Node.Sessions.CountOf(bundle.Identity.Serial));
            }
            // The newest leaving takes the host out of the table: no stale entry stays behind.
            await Eventually.WaitUntilAsync(() => !monitor.Node.Watchers.ConnectedHosts.Contains("web-01"), () => "web-01 still listed as connected");
            Assert.Equal(0, monitor.Node.Sessions.CountOf(bundle.Identity.Serial));
        }
        finally
        {
            foreach (var connection in older)
            {
                await connection.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task An_admin_certificate_beyond_its_session_cap_is_refused_and_the_open_sessions_go_on()
    {
        var monitor = await StartMonitorWithWatchersAsync("web-01");
        var cap = monitor.Options.MaxSessionsPerOperatorCertificate;
        var bundle = monitor.Pki.LoadAdmin();
        var open = new List<Transport.FramedConnection>();
        try
        {
            for (var i = 0; i < cap; i++)
            {
                var admin = await monitor.ConnectAsync(bundle);
                open.Add(admin);
                RevokedSessionTests.AssertOk(await monitor.RunAdminCommandAsync(admin, "status"));
            }

            await using (var extra = await monitor.ConnectAsync(bundle))
            {
                var refused = await monitor.RunAdminCommandAsync(extra, "status");
                Assert.Equal(RejectionReason.RateLimited, TestWatcherConnection.ExpectRejection(refused));
                await RevokedSessionTests.AssertClosedAsync(extra, "the session over the cap");
            }
            Assert.Equal(1, monitor.RejectionCount("admin:admin", RejectionReason.RateLimited));
            RevokedSessionTests.AssertOk(await monitor.RunAdminCommandAsync(open[0], "status"));

            // A session that ends frees its place.
            await open[0].DisposeAsync();
            open.RemoveAt(0);
            await Eventually.WaitUntilAsync(() => monitor.Node.Sessions.CountOf(bundle.Identity.Serial) == cap - 1, () => "the closed session still counted");
            var again = await monitor.ConnectAsync(bundle);
            open.Add(again);
            RevokedSessionTests.AssertOk(await monitor.RunAdminCommandAsync(again, "status"));
        }
        finally
        {
            foreach (var connection in open)
            {
                await connection.DisposeAsync();
            }
        }
    }
}
