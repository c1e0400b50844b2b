using System.Text.Json.Nodes;
using SecureMonitor.Protocol.Sealing;

namespace SecureMonitor.Monitor.Tests.Admin;

/// <summary>The certificate's role decides what a connection may do.</summary>
public sealed class RoleTests(ITestOutputHelper output) : MonitorTestBase(output)
{
    [Fact]
    public async Task A_watcher_certificate_cannot_run_admin_commands()
    {
        var monitor = await StartMonitorWithWatchersAsync("web-01");
        await using var watcher = await monitor.ConnectWatcherAsync("web-01");

        await watcher.SendAsync(new Frame
        {
            ProtocolVersion = ProtocolVersion.Current,
            AdminRequest = new AdminRequest { RequestId = 7, Command = "status" },
        });
        var beforeClose = await watcher.WaitForCloseAsync();

        var rejection = Assert.Single(beforeClose);
        Assert.Equal(RejectionReason.WrongRole, TestWatcherConnection.ExpectRejection(rejection));
        Assert.Equal(1, monitor.RejectionCount("web-01", RejectionReason.WrongRole));
        await AssertServesAGoodWatcherAsync(monitor, "web-01");
    }

    [Fact]
    public async Task An_admin_certificate_gets_the_status_of_the_node()
    {
        var monitor = await StartMonitorWithWatchersAsync("web-01");
        await using var admin = await monitor.ConnectAsync(monitor.Pki.LoadAdmin());

        var reply = await monitor.RunAdminCommandAsync(admin, "status");

        var status = AssertOkStatus(reply);
        Assert.Equal(monitor.Options.NodeId, (string?)status["node"]);
        Assert.StartsWith("admin:admin@", (string?)status["caller"]);
    }

    [Fact]
    public async Task A_viewer_certificate_gets_the_status_too_since_it_only_reads()
    {
        var monitor = await StartMonitorAsync(NewPki(watchers: ["web-01"], viewers: ["victor"]));
        await using var viewer = await monitor.ConnectAsync(monitor.Pki.LoadAdmin("victor"));

        var reply = await monitor.RunAdminCommandAsync(viewer, "status");

        var status = AssertOkStatus(reply);
        Assert.Equal(monitor.Options.NodeId, (string?)status["node"]);
        Assert.StartsWith("viewer:victor@", (string?)status["caller"]);
    }

    [Fact]
    public async Task An_admin_connection_may_not_send_envelopes()
    {
        var monitor = await StartMonitorWithWatchersAsync("web-01");
        var watcherKey = monitor.Pki.LoadWatcher("web-01").Psk!;
        await using var admin = await monitor.ConnectAsync(monitor.Pki.LoadAdmin());
        // Even with a watcher's key in hand, an admin certificate does not speak for a host.
        using var key = EnvelopeKey.Derive(watcherKey.Key, "web-01", watcherKey.KeyId, Direction.WatcherToMonitor);
        var envelope = new EnvelopeSealer(key).Seal(1, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), TestWatcherConnection.SampleAlert());

        using var deadline = new CancellationTokenSource(Eventually.DefaultWithin);
        await admin.SendAsync(Frames.Envelope(envelope), deadline.Token);
        var first = await admin.ReadAsync(deadline.Token);

        Assert.True(first.IsFrame, first.ToString());
        Assert.Equal(RejectionReason.WrongRole, TestWatcherConnection.ExpectRejection(first.Frame!));
        Assert.True(await IsClosedAsync(admin, deadline.Token), "the monitor closes the connection");
        Assert.Equal(1, monitor.TotalRejections(RejectionReason.WrongRole));
        Assert.Equal(0, monitor.Sink.AcceptedCount("web-01"));
    }

    private static async Task<bool> IsClosedAsync(Transport.FramedConnection connection, CancellationToken deadline)
    {
        try
        {
            return (await connection.ReadAsync(deadline)).Status == FrameReadStatus.EndOfStream;
        }
        catch (IOException)
        {
            return true; // reset
        }
    }

    private static JsonObject AssertOkStatus(Frame reply)
    {
        Assert.Equal(Frame.BodyOneofCase.AdminResponse, reply.BodyCase);
        Assert.True(reply.AdminResponse.Ok, reply.AdminResponse.Error);
        Assert.Equal(1UL, reply.AdminResponse.RequestId);
        return Assert.IsType<JsonObject>(JsonNode.Parse(reply.AdminResponse.ResultJson));
    }
}
