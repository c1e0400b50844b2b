using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;

namespace SecureMonitor.Protocol.Wire;

/// <summary>
/// Pure, synchronous frame decoding over bytes already received (for System.IO.Pipelines).
/// </summary>
/// <remarks>
/// Wire format of a connection, in both directions, after the TLS handshake:
/// <code>
/// frame   = length payload
/// length  = 4 bytes, unsigned big-endian, 1 .. FrameLimits.MaxFrameBytes
/// payload = `length` bytes: a protobuf securemonitor.v1.Frame with protocol_version = 1 and a body
/// </code>
/// The length is validated before the payload is awaited or buffered, so a peer cannot make us
/// hold more than the limit. Any outcome other than a frame leaves the stream out of sync: the
/// connection must be closed (with <see cref="FrameReadResult.ToRejectionReason"/> counted).
/// </remarks>
public static class FrameDecoder
{
    public const int LengthPrefixBytes = 4;

    /// <summary>
    /// Decodes the first frame of <paramref name="buffer"/>, or returns false when more bytes are
    /// needed. On true, <paramref name="buffer"/> is advanced past what was decoded: the whole
    /// frame, or just the length prefix for <see cref="FrameReadStatus.Oversized"/> and
    /// <see cref="FrameReadStatus.ZeroLength"/>.
    /// </summary>
    public static bool TryDecode(ref ReadOnlySequence<byte> buffer, FrameLimits limits, out FrameReadResult result)
    {
        if (buffer.Length < LengthPrefixBytes)
        {
            result = default;
            return false;
        }

        Span<byte> prefix = stackalloc byte[LengthPrefixBytes];
        buffer.Slice(0, LengthPrefixBytes).CopyTo(prefix);
        uint length = BinaryPrimitives.ReadUInt32BigEndian(prefix);
        if (RejectLength(length, limits) is { } rejected)
        {
            result = rejected;
            buffer = buffer.Slice(LengthPrefixBytes);
            return true;
        }

        if (buffer.Length - LengthPrefixBytes < length)
        {
            result = default;
            return false;
        }

        ReadOnlySequence<byte> payload = buffer.Slice(LengthPrefixBytes, length);
        result = payload.IsSingleSegment ? ParsePayload(payload.FirstSpan) : ParsePayload(payload);
        buffer = buffer.Slice(payload.End);
        return true;
    }

    /// <summary>
    /// Span form of <see cref="TryDecode(ref ReadOnlySequence{byte}, FrameLimits, out FrameReadResult)"/>;
    /// <paramref name="bytesConsumed"/> says how far to advance.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> buffer, FrameLimits limits, out FrameReadResult result, out int bytesConsumed)
    {
        bytesConsumed = 0;
        if (buffer.Length < LengthPrefixBytes)
        {
            result = default;
            return false;
        }

        uint length = BinaryPrimitives.ReadUInt32BigEndian(buffer);
        if (RejectLength(length, limits) is { } rejected)
        {
            result = rejected;
            bytesConsumed = LengthPrefixBytes;
            return true;
        }

        if (buffer.Length - LengthPrefixBytes < length)
        {
            result = default;
            return false;
        }

        result = ParsePayload(buffer.Slice(LengthPrefixBytes, (int)length));
        bytesConsumed = LengthPrefixBytes + (int)length;
        return true;
    }

    /// <summary>
    /// What the bytes left over when the peer closed mean: a clean end if none, else a truncated frame.
    /// </summary>
    public static FrameReadResult AtEndOfInput(in ReadOnlySequence<byte> remaining)
    {
        if (remaining.IsEmpty)
        {
            return FrameReadResult.EndOfStream();
        }

        if (remaining.Length < LengthPrefixBytes)
        {
            return FrameReadResult.Truncated(0);
        }

        Span<byte> prefix = stackalloc byte[LengthPrefixBytes];
        remaining.Slice(0, LengthPrefixBytes).CopyTo(prefix);
        return FrameReadResult.Truncated(BinaryPrimitives.ReadUInt32BigEndian(prefix));
    }

    /// <summary>The failure a length prefix alone proves, or null when the length is acceptable.</summary>
    internal static FrameReadResult? RejectLength(uint length, FrameLimits limits)
    {
        if (length == 0)
        {
            return FrameReadResult.ZeroLength();
        }

        return length > (uint)limits.MaxFrameBytes ? FrameReadResult.Oversized(length) : null;
    }

    /// <summary>Parses a payload whose length was already accepted. The bytes are copied; the caller may reuse them.</summary>
    internal static FrameReadResult ParsePayload(ReadOnlySpan<byte> payload)
    {
        Frame frame;
        try
        {
            frame = Frame.Parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException e)
        {
            return FrameReadResult.Malformed(payload.Length, e.Message);
        }

        return Validate(frame, payload.Length);
    }

    private static FrameReadResult ParsePayload(in ReadOnlySequence<byte> payload)
    {
        Frame frame;
        try
        {
            frame = Frame.Parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException e)
        {
            return FrameReadResult.Malformed(payload.Length, e.Message);
        }

        return Validate(frame, payload.Length);
    }

    // The version is checked before the body: a newer peer's frame may carry bodies unknown here,
    // and "unknown version" is the more useful reason to report.
    private static FrameReadResult Validate(Frame frame, long length)
    {
        if (frame.ProtocolVersion != ProtocolVersion.Current)
        {
            return FrameReadResult.UnknownVersion(length, frame.ProtocolVersion);
        }

        return frame.BodyCase == Frame.BodyOneofCase.None
            ? FrameReadResult.Malformed(length, "Frame has no body.")
            : FrameReadResult.Success(frame, length);
    }
}
