using System.Buffers;
using Google.Protobuf;
using SecureMonitor.Protocol.Wire;
using Xunit;

namespace SecureMonitor.Protocol.Tests.Wire;

public sealed class FrameDecoderTests
{
    private static readonly FrameLimits Limits = FrameLimits.Default;

    [Fact]
    public void Several_frames_in_one_buffer_decode_in_order()
    {
        Frame[] frames = [WireBytes.SampleAck(1), Frames.Hello("web-01", "0.1.0"), WireBytes.SampleAck(2)];
        var buffer = new ReadOnlySequence<byte>(WireBytes.Encode(frames));

        var decoded = new List<Frame>();
        while (FrameDecoder.TryDecode(ref buffer, Limits, out FrameReadResult result))
        {
            Assert.Equal(FrameReadStatus.Frame, result.Status);
            decoded.Add(result.Frame!);
        }

        Assert.Equal(frames, decoded);
        Assert.True(buffer.IsEmpty);
        Assert.Equal(FrameReadStatus.EndOfStream, FrameDecoder.AtEndOfInput(buffer).Status);
    }

    [Fact]
    public void Input_split_at_every_byte_boundary_decodes_identically()
    {
        Frame[] frames = [WireBytes.SampleAck(1), Frames.NotLeader(["m2:7800", "m3:7800"], "m2"), WireBytes.SampleAck(2)];
        byte[] bytes = WireBytes.Encode(frames);

        for (int split = 0; split <= bytes.Length; split++)
        {
            Assert.Equal(frames, DecodeAsTwoSegments(bytes, split));
            Assert.Equal(frames, DecodeAsTwoArrivals(bytes, split));
        }
    }

    [Fact]
    public void A_length_above_the_limit_is_oversized_without_waiting_for_the_payload()
    {
        var buffer = new ReadOnlySequence<byte>(WireBytes.LengthPrefixOnly(FrameLimits.DefaultMaxFrameBytes + 1));

        Assert.True(FrameDecoder.TryDecode(ref buffer, Limits, out FrameReadResult result));
        Assert.Equal(FrameReadStatus.Oversized, result.Status);
        Assert.Equal(FrameLimits.DefaultMaxFrameBytes + 1, result.DeclaredLength);
        Assert.Equal(RejectionReason.Oversized, result.ToRejectionReason());
    }

    [Fact]
    public void A_length_of_exactly_the_limit_waits_for_its_payload()
    {
        var buffer = new ReadOnlySequence<byte>(WireBytes.LengthPrefixOnly(FrameLimits.DefaultMaxFrameBytes));

        Assert.False(FrameDecoder.TryDecode(ref buffer, Limits, out _));
    }

    [Fact]
    public void A_zero_length_is_rejected()
    {
        Assert.True(FrameDecoder.TryDecode(WireBytes.LengthPrefixOnly(0), Limits, out FrameReadResult result, out int consumed));
        Assert.Equal(FrameReadStatus.ZeroLength, result.Status);
        Assert.Equal(4, consumed);
        Assert.Equal(RejectionReason.Malformed, result.ToRejectionReason());
    }

    [Fact]
    public void Input_ending_inside_a_frame_is_truncated()
    {
        byte[] bytes = WireBytes.Encode(WireBytes.SampleAck(1));
        var partial = new ReadOnlySequence<byte>(bytes, 0, bytes.Length - 1);

        Assert.False(FrameDecoder.TryDecode(ref partial, Limits, out _));
        Assert.Equal(FrameReadStatus.Truncated, FrameDecoder.AtEndOfInput(partial).Status);
        Assert.Equal(FrameReadStatus.Truncated, FrameDecoder.AtEndOfInput(new ReadOnlySequence<byte>(bytes, 0, 2)).Status);
    }

    [Fact]
    public void A_garbage_payload_is_malformed()
    {
        byte[] garbage = WireBytes.Prefixed([0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);

        Assert.True(FrameDecoder.TryDecode(garbage, Limits, out FrameReadResult result, out int consumed));
        Assert.Equal(FrameReadStatus.Malformed, result.Status);
        Assert.Equal(garbage.Length, consumed);
        Assert.NotNull(result.Error);
    }

    [Fact]
    public void A_frame_without_a_body_is_malformed()
    {
        byte[] bytes = WireBytes.Prefixed(new Frame { ProtocolVersion = 1 }.ToByteArray().Concat(new byte[] { 0x08, 0x01 }).ToArray());

        Assert.True(FrameDecoder.TryDecode(bytes, Limits, out FrameReadResult result, out _));
        Assert.Equal(FrameReadStatus.Malformed, result.Status);
    }

    [Fact]
    public void A_body_field_this_version_does_not_know_is_malformed()
    {
        // Field 29, length-delimited, empty: a future body this version does not know.
        byte[] bytes = WireBytes.Prefixed([0x08, 0x01, 0xEA, 0x01, 0x00]);

        Assert.True(FrameDecoder.TryDecode(bytes, Limits, out FrameReadResult result, out _));
        Assert.Equal(FrameReadStatus.Malformed, result.Status);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(2u)]
    [InlineData(uint.MaxValue)]
    public void A_protocol_version_other_than_one_is_unknown(uint version)
    {
        var frame = new Frame { ProtocolVersion = version, Ack = new Ack { Sequence = 1 } };
        byte[] bytes = WireBytes.Prefixed(frame.ToByteArray());

        Assert.True(FrameDecoder.TryDecode(bytes, Limits, out FrameReadResult result, out _));
        Assert.Equal(FrameReadStatus.UnknownVersion, result.Status);
        Assert.Equal(version, result.Version);
        Assert.Equal(RejectionReason.UnknownVersion, result.ToRejectionReason());
    }

    [Fact]
    public void Fewer_than_four_bytes_wait_for_more()
    {
        Assert.False(FrameDecoder.TryDecode([0, 0, 0], Limits, out _, out int consumed));
        Assert.Equal(0, consumed);
    }

    private static List<Frame> DecodeAsTwoSegments(byte[] bytes, int split)
    {
        ReadOnlySequence<byte> buffer = Segments.Of(bytes[..split], bytes[split..]);
        var decoded = new List<Frame>();
        while (FrameDecoder.TryDecode(ref buffer, Limits, out FrameReadResult result))
        {
            decoded.Add(result.Frame!);
        }

        Assert.True(buffer.IsEmpty);
        return decoded;
    }

    private static List<Frame> DecodeAsTwoArrivals(byte[] bytes, int split)
    {
        var pending = new List<byte>();
        var decoded = new List<Frame>();
        foreach (byte[] arrival in new[] { bytes[..split], bytes[split..] })
        {
            pending.AddRange(arrival);
            while (FrameDecoder.TryDecode(pending.ToArray(), Limits, out FrameReadResult result, out int consumed))
            {
                decoded.Add(result.Frame!);
                pending.RemoveRange(0, consumed);
            }
        }

        Assert.Empty(pending);
        return decoded;
    }
}
