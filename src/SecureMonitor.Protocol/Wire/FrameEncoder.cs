using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;

namespace SecureMonitor.Protocol.Wire;

/// <summary>Writes frames in the format documented on <see cref="FrameDecoder"/>.</summary>
public static class FrameEncoder
{
    /// <summary>
    /// Payload size of <paramref name="frame"/>, after checking it is one we may send: current
    /// version, a body, within the limit. A frame failing these is our bug, hence exceptions.
    /// </summary>
    public static int GetPayloadLength(Frame frame, FrameLimits limits)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.ProtocolVersion != ProtocolVersion.Current)
        {
            throw new ArgumentException($"Frame has protocol version {frame.ProtocolVersion}; only {ProtocolVersion.Current} is sent.", nameof(frame));
        }

        if (frame.BodyCase == Frame.BodyOneofCase.None)
        {
            throw new ArgumentException("Frame has no body.", nameof(frame));
        }

        int size = frame.CalculateSize();
        if (size > limits.MaxFrameBytes)
        {
            throw new ArgumentException($"Frame of {size} B exceeds the {limits.MaxFrameBytes} B limit.", nameof(frame));
        }

        return size;
    }

    /// <summary>Encodes prefix and payload into <paramref name="destination"/>; returns the bytes written.</summary>
    public static int Encode(Frame frame, Span<byte> destination, FrameLimits limits)
    {
        int payloadLength = GetPayloadLength(frame, limits);
        int total = FrameDecoder.LengthPrefixBytes + payloadLength;
        if (destination.Length < total)
        {
            throw new ArgumentException($"Destination of {destination.Length} B is smaller than the {total} B frame.", nameof(destination));
        }

        WriteUnchecked(frame, payloadLength, destination[..total]);
        return total;
    }

    /// <summary>Encodes into a buffer writer such as a PipeWriter.</summary>
    public static void Encode(Frame frame, IBufferWriter<byte> output, FrameLimits limits)
    {
        ArgumentNullException.ThrowIfNull(output);
        int payloadLength = GetPayloadLength(frame, limits);
        int total = FrameDecoder.LengthPrefixBytes + payloadLength;
        WriteUnchecked(frame, payloadLength, output.GetSpan(total)[..total]);
        output.Advance(total);
    }

    /// <summary>Writes a frame already measured; <paramref name="destination"/> is exactly prefix + payload.</summary>
    internal static void WriteUnchecked(Frame frame, int payloadLength, Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)payloadLength);
        frame.WriteTo(destination[FrameDecoder.LengthPrefixBytes..]);
    }
}
