using System.Buffers.Binary;
using Google.Protobuf;
using SecureMonitor.Protocol.Wire;

namespace SecureMonitor.Protocol.Tests;

/// <summary>Hand-built wire bytes, including ones our encoder refuses to produce.</summary>
internal static class WireBytes
{
    public static byte[] Prefixed(ReadOnlySpan<byte> payload)
    {
        byte[] bytes = new byte[4 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)payload.Length);
        payload.CopyTo(bytes.AsSpan(4));
        return bytes;
    }

    public static byte[] LengthPrefixOnly(uint length)
    {
        byte[] bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, length);
        return bytes;
    }

    /// <summary>A frame of the current version whose envelope field holds arbitrary bytes.</summary>
    public static byte[] FrameCarryingEnvelopeBytes(byte[] envelopeBytes)
    {
        using var payload = new MemoryStream();
        var output = new CodedOutputStream(payload);
        output.WriteTag(Frame.ProtocolVersionFieldNumber, WireFormat.WireType.Varint);
        output.WriteUInt32(ProtocolVersion.Current);
        output.WriteTag(Frame.EnvelopeFieldNumber, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(envelopeBytes));
        output.Flush();
        return Prefixed(payload.ToArray());
    }

    public static byte[] Encode(params Frame[] frames) =>
        frames.SelectMany(f => Prefixed(f.ToByteArray())).ToArray();

    public static Frame SampleAck(ulong sequence) => Frames.Ack(sequence, AckStatus.Accepted, sequence);
}
