using Google.Protobuf;
using SecureMonitor.Protocol.Wire;
using Xunit;

namespace SecureMonitor.Protocol.Tests.Wire;

public sealed class FrameReaderTests
{
    [Fact]
    public async Task Frames_are_read_in_order_then_a_clean_end_of_stream()
    {
        Frame[] frames = [WireBytes.SampleAck(1), WireBytes.SampleAck(2)];
        var reader = new FrameReader(new ScriptedStream(WireBytes.Encode(frames)), FrameLimits.Default);

        Assert.Equal(frames[0], (await reader.ReadAsync()).Frame);
        Assert.Equal(frames[1], (await reader.ReadAsync()).Frame);
        Assert.Equal(FrameReadStatus.EndOfStream, (await reader.ReadAsync()).Status);
    }

    [Fact]
    public async Task Frames_trickling_in_one_byte_at_a_time_are_read_whole()
    {
        Frame frame = Frames.Hello("web-01", "0.1.0");
        var reader = new FrameReader(new ScriptedStream(WireBytes.Encode(frame), chunk: 1), FrameLimits.Default);

        Assert.Equal(frame, (await reader.ReadAsync()).Frame);
    }

    [Fact]
    public async Task A_huge_length_prefix_is_oversized_at_once_without_reading_or_allocating_the_payload()
    {
        var reader = new FrameReader(new ScriptedStream(WireBytes.LengthPrefixOnly(uint.MaxValue)), FrameLimits.Default);
        await reader.ReadAsync(); // warm up: first-call costs are not the payload buffer
        var stream = new ScriptedStream(WireBytes.LengthPrefixOnly(50_000_000));
        reader = new FrameReader(stream, FrameLimits.Default);

        long before = GC.GetAllocatedBytesForCurrentThread();
        FrameReadResult result = await reader.ReadAsync();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(FrameReadStatus.Oversized, result.Status);
        Assert.Equal(50_000_000, result.DeclaredLength);
        Assert.Equal(4, stream.BytesRead);
        Assert.True(allocated < 4096, $"Allocated {allocated} B for a rejected frame.");
    }

    [Fact]
    public async Task A_per_connection_limit_is_honoured()
    {
        byte[] bytes = WireBytes.Encode(Frames.Hello("web-01", new string('v', 100)));
        var reader = new FrameReader(new ScriptedStream(bytes), new FrameLimits(64));

        Assert.Equal(FrameReadStatus.Oversized, (await reader.ReadAsync()).Status);
    }

    [Fact]
    public async Task A_zero_length_is_rejected()
    {
        var reader = new FrameReader(new ScriptedStream(WireBytes.LengthPrefixOnly(0)), FrameLimits.Default);

        Assert.Equal(FrameReadStatus.ZeroLength, (await reader.ReadAsync()).Status);
    }

    [Fact]
    public async Task A_stream_ending_inside_the_payload_is_truncated()
    {
        byte[] bytes = WireBytes.Encode(WireBytes.SampleAck(1));
        var reader = new FrameReader(new ScriptedStream(bytes[..^1]), FrameLimits.Default);

        Assert.Equal(FrameReadStatus.Truncated, (await reader.ReadAsync()).Status);
    }

    [Fact]
    public async Task A_stream_ending_inside_the_length_prefix_is_truncated()
    {
        var reader = new FrameReader(new ScriptedStream([0, 0]), FrameLimits.Default);

        Assert.Equal(FrameReadStatus.Truncated, (await reader.ReadAsync()).Status);
    }

    [Fact]
    public async Task A_garbage_payload_is_malformed()
    {
        var reader = new FrameReader(new ScriptedStream(WireBytes.Prefixed([0x0A, 0x7F, 0x01])), FrameLimits.Default);

        Assert.Equal(FrameReadStatus.Malformed, (await reader.ReadAsync()).Status);
    }

    [Fact]
    public async Task An_unknown_protocol_version_is_reported_with_the_version()
    {
        var frame = new Frame { ProtocolVersion = 7, Ack = new Ack() };
        var reader = new FrameReader(new ScriptedStream(WireBytes.Prefixed(frame.ToByteArray())), FrameLimits.Default);

        FrameReadResult result = await reader.ReadAsync();

        Assert.Equal(FrameReadStatus.UnknownVersion, result.Status);
        Assert.Equal(7u, result.Version);
    }
}
