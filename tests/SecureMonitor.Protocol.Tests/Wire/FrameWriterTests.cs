using System.Buffers;
using SecureMonitor.Protocol.Wire;
using Xunit;

namespace SecureMonitor.Protocol.Tests.Wire;

public sealed class FrameWriterTests
{
    [Fact]
    public async Task Enqueued_frames_go_out_in_one_write_and_decode_in_order()
    {
        var stream = new RecordingStream();
        using var writer = new FrameWriter(stream, FrameLimits.Default);
        Frame[] frames = Enumerable.Range(1, 50).Select(i => WireBytes.SampleAck((ulong)i)).ToArray();

        foreach (Frame frame in frames)
        {
            Assert.True(writer.TryEnqueue(frame));
        }

        await writer.FlushAsync();

        Assert.Single(stream.Writes);
        Assert.Equal(1, stream.Flushes);
        Assert.Equal(WireBytes.Encode(frames), stream.AllBytes);
        Assert.Equal(0, writer.PendingBytes);
    }

    [Fact]
    public async Task A_single_frame_is_written_with_its_length_prefix()
    {
        var stream = new RecordingStream();
        using var writer = new FrameWriter(stream, FrameLimits.Default);
        Frame frame = Frames.Rejection(RejectionReason.BadHmac, "tampering suspected", sequence: 9);

        await writer.WriteAsync(frame);

        Assert.Equal(WireBytes.Encode(frame), stream.AllBytes);
    }

    [Fact]
    public void A_full_batch_refuses_more_frames_until_flushed()
    {
        var limits = new FrameLimits(100);
        using var writer = new FrameWriter(new RecordingStream(), limits, maxBatchBytes: 104);
        Frame frame = WireBytes.SampleAck(1);

        int accepted = 0;
        while (writer.TryEnqueue(frame))
        {
            accepted++;
        }

        Assert.InRange(writer.PendingBytes, 1, 104);
        Assert.True(accepted > 1);
    }

    [Fact]
    public void Frames_we_must_not_send_are_refused()
    {
        using var writer = new FrameWriter(new RecordingStream(), new FrameLimits(64));

        Assert.Throws<ArgumentException>(() => writer.TryEnqueue(Frames.Hello("web-01", new string('v', 100))));
        Assert.Throws<ArgumentException>(() => writer.TryEnqueue(new Frame { Ack = new Ack() }));
        Assert.Throws<ArgumentException>(() => writer.TryEnqueue(new Frame { ProtocolVersion = ProtocolVersion.Current }));
    }

    [Fact]
    public void The_encoder_writes_into_a_buffer_writer_as_a_pipe_would_use_it()
    {
        var output = new ArrayBufferWriter<byte>();
        Frame frame = WireBytes.SampleAck(3);

        FrameEncoder.Encode(frame, output, FrameLimits.Default);
        FrameEncoder.Encode(frame, output, FrameLimits.Default);

        Assert.Equal(WireBytes.Encode(frame, frame), output.WrittenSpan.ToArray());
    }
}
