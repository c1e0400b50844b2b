using SecureMonitor.Protocol.Wire;

namespace SecureMonitor.Monitor.Tests.Listener;

/// <summary>
/// <c>transport.idle-timeout</c>: an authenticated session whose peer has sent nothing for that long
/// is closed, never sooner; a console watching a stream it asked for (<c>tail</c>) is not idle. The
/// node's clock is a manual one, so the test moves time instead of waiting for it.
/// </summary>
public sealed class IdleSessionTests(ITestOutputHelper output) : MonitorTestBase(output)
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_watcher_that_falls_silent_is_closed_after_the_idle_timeout_and_not_before()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var monitor = await StartMonitorAsync(NewPki(["web-01", "web-02"], time: clock), new MonitorHarnessOptions { Time = clock, IdleTimeout = IdleTimeout });
        await using var silent = await monitor.ConnectWatcherAsync("web-01");
        await silent.SendAlertAsync();
        var lastHeard = clock.GetUtcNow();

        await AdvanceUntilClosedAsync(clock, monitor, "Closing watcher:web-01@", lastHeard);
        await silent.WaitForCloseAsync();

        // The node itself is fine: another watcher is served.
        await AssertServesAGoodWatcherAsync(monitor, "web-02");
    }

    [Fact]
    public async Task A_watcher_that_keeps_sending_is_never_closed()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var monitor = await StartMonitorAsync(NewPki(["web-01"], time: clock), new MonitorHarnessOptions { Time = clock, IdleTimeout = IdleTimeout });
        await using var watcher = await monitor.ConnectWatcherAsync("web-01");

        // Three idle timeouts' worth of time, a message every half timeout (watchers heartbeat every 5 s).
        for (var sent = 0; sent < 6; sent++)
        {
            await watcher.SendAlertAsync($"alert-{sent}");
            clock.Advance(IdleTimeout / 2);
        }

        await watcher.SendAlertAsync("last");
        Assert.False(ClosedForIdleness(monitor, "web-01"));
        Assert.Equal(7, monitor.Sink.AcceptedCount("web-01"));
    }

    [Fact]
    public async Task A_console_watching_tail_is_not_closed_however_long_nothing_happens()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var monitor = await StartMonitorAsync(NewPki(["web-01"], time: clock), new MonitorHarnessOptions { Time = clock, IdleTimeout = IdleTimeout });
        await using var console = await monitor.ConnectAsync(monitor.Pki.LoadAdmin());
        using var deadline = new CancellationTokenSource(monitor.HarnessOptions.Within);
        await console.SendAsync(new Frame
        {
            ProtocolVersion = ProtocolVersion.Current,
            AdminRequest = new AdminRequest { RequestId = 7, Command = "tail" },
        }, deadline.Token);
        var opened = await console.ReadAsync(deadline.Token);
        Assert.True(opened.IsFrame && opened.Frame!.AdminResponse is { Ok: true, More: true }, $"tail did not start: {opened}");

        clock.Advance(IdleTimeout * 5);

        Assert.False(monitor.Logs.Contains("nothing received for"), "the console watching tail was closed as idle");
        var status = await monitor.RunAdminCommandAsync(console, "status");
        Assert.True(status.AdminResponse.Ok, status.ToString());
    }

    [Fact]
    public async Task A_console_that_only_keeps_its_connection_is_closed_like_any_silent_peer()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var monitor = await StartMonitorAsync(NewPki(["web-01"], time: clock), new MonitorHarnessOptions { Time = clock, IdleTimeout = IdleTimeout });
        await using var console = await monitor.ConnectAsync(monitor.Pki.LoadAdmin());
        Assert.True((await monitor.RunAdminCommandAsync(console, "status")).AdminResponse.Ok);

        await AdvanceUntilClosedAsync(clock, monitor, "Closing admin:", clock.GetUtcNow());

        // The console's next command reconnects by itself (AdminClient); here the raw connection just ends.
        using var deadline = new CancellationTokenSource(monitor.HarnessOptions.Within);
        try
        {
            var read = await console.ReadAsync(deadline.Token);
            Assert.Equal(FrameReadStatus.EndOfStream, read.Status);
        }
        catch (IOException)
        {
            // Closed without a TLS close_notify: as ended.
        }
    }

    private static bool ClosedForIdleness(MonitorHarness monitor, string hostId) =>
        monitor.Logs.Contains($"Closing watcher:{hostId}@");

    /// <summary>
    /// Moves the node's clock one step per poll until the node logs <paramref name="closing"/>, checking
    /// that it never does before a whole idle timeout has passed since the peer's last frame. (Real time
    /// between steps lets the session get back to waiting for its peer; until it does, it is not idle,
    /// which can only make the close later, never sooner.)
    /// </summary>
    private static Task AdvanceUntilClosedAsync(ManualTimeProvider clock, MonitorHarness monitor, string closing, DateTimeOffset lastHeard) =>
        Eventually.WaitUntilAsync(() =>
        {
            if (monitor.Logs.Contains(closing))
            {
                return Task.FromResult(true);
            }
            Assert.True(clock.GetUtcNow() - lastHeard < IdleTimeout * 3, "still open after three idle timeouts of silence");
            clock.Advance(Step);
            var silence = clock.GetUtcNow() - lastHeard;
            Assert.False(silence < IdleTimeout && monitor.Logs.Contains(closing), $"closed after only {silence.TotalSeconds} s of silence");
            return Task.FromResult(false);
        }, () => $"the node did not log '{closing}'", TimeSpan.FromSeconds(20));
}
