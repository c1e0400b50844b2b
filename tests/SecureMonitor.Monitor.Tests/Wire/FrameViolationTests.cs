using System.Buffers.Binary;
using Google.Protobuf;

namespace SecureMonitor.Monitor.Tests.Wire;

/// <summary>Frame-level violations by an authenticated watcher close its connection with a counted
/// reason; the node keeps serving.</summary>
public sealed class FrameViolationTests(ITestOutputHelper output) : MonitorTestBase(output)
{
    [Fact]
    public async Task A_length_prefix_above_the_limit_is_refused_as_oversized_and_the_connection_closed()
    {
        var monitor = await StartMonitorWithWatchersAsync("web-01", "web-02");
        await using var watcher = await monitor.ConnectWatcherAsync("web-01");
        var prefix = new byte[FrameDecoder.LengthPrefixBytes];
        BinaryPrimitives.WriteUInt32BigEndian(prefix, (uint)monitor.Options.MaxFrameBytes + 1);

        // Only the prefix: the monitor must decide without waiting for (or buffering) the payload.
        await watcher.SendRawAsync(prefix);
        var beforeClose = await watcher.WaitForCloseAsync();

        var rejection = Assert.Single(beforeClose);
        Assert.Equal(RejectionReason.Oversized, TestWatcherConnection.ExpectRejection(rejection));
        Assert.Equal(1, monitor.RejectionCount("web-01", RejectionReason.Oversized));
        await AssertServesAGoodWatcherAsync(monitor, "web-02");
        await AssertServesAGoodWatcherAsync(monitor, "web-01");
    }

    [Fact]
    public async Task A_frame_of_an_unknown_protocol_version_is_refused_and_the_connection_closed()
    {
        var monitor = await StartMonitorWithWatchersAsync("web-01", "web-02");
        await using var watcher = await monitor.ConnectWatcherAsync("web-01");
        var future = new Frame { ProtocolVersion = ProtocolVersion.Current + 1, Hello = new ClientHello { HostId = "web-01", AgentVersion = "2.0" } };
        var payload = future.ToByteArray();
        var bytes = new byte[FrameDecoder.LengthPrefixBytes + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)payload.Length);
        payload.CopyTo(bytes, FrameDecoder.LengthPrefixBytes);

        await watcher.SendRawAsync(bytes);
        var beforeClose = await watcher.WaitForCloseAsync();

        var rejection = Assert.Single(beforeClose);
        Assert.Equal(RejectionReason.UnknownVersion, TestWatcherConnection.ExpectRejection(rejection));
        Assert.Equal(1, monitor.RejectionCount("web-01", RejectionReason.UnknownVersion));
        await AssertServesAGoodWatcherAsync(monitor, "web-02");
        await AssertServesAGoodWatcherAsync(monitor, "web-01");
    }
}
