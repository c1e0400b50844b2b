namespace SecureMonitor.Admin.Tests;

/// <summary>
/// The monitor closes sessions silent for <c>transport.idle-timeout</c>, consoles included (a console
/// watching <c>tail</c> is exempt: see the monitor's IdleSessionTests). An operator who leaves the
/// interactive console at its prompt must not notice: the next command connects again by itself.
/// </summary>
public sealed class IdleConsoleTests(ITestOutputHelper output) : AdminTestBase(output)
{
    [Fact]
    public async Task A_console_closed_for_idleness_runs_its_next_command_on_a_new_connection()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var monitor = await StartMonitorAsync(NewPki(watchers: ["web-01"]),
            new MonitorHarnessOptions { Time = clock, IdleTimeout = TimeSpan.FromSeconds(60) });
        var admin = Admin(monitor);
        await OkAsync(admin, "status");
        var idle = await admin.ConnectAsync(CancellationToken.None);

        // A step per poll: real time between steps lets the session get back to waiting for the console.
        await Eventually.WaitUntilAsync(() =>
        {
            clock.Advance(TimeSpan.FromSeconds(5));
            return Task.FromResult(monitor.Logs.Contains("Closing admin:"));
        }, () => "the idle console was not closed", Within);
        await Eventually.WaitUntilAsync(() => idle.IsClosed, () => "the console did not notice its connection was closed");

        var status = await OkAsync(admin, "status");

        Assert.Equal("leader", status.Text("role"));
        Assert.NotSame(idle, await admin.ConnectAsync(CancellationToken.None));
    }
}
