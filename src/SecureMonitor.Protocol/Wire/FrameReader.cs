using System.Buffers;
using System.Buffers.Binary;

namespace SecureMonitor.Protocol.Wire;

/// <summary>
/// Reads frames (format: <see cref="FrameDecoder"/>) from a stream, one at a time. Not thread-safe:
/// a connection has one read loop.
/// </summary>
/// <remarks>
/// Peer errors come back as <see cref="FrameReadResult"/>s; only the stream's own failures
/// (I/O errors, cancellation) throw. The payload buffer is rented for exactly the accepted length
/// after the length check and returned before this method returns.
/// </remarks>
public sealed class FrameReader
{
    private readonly Stream _stream;
    private readonly FrameLimits _limits;
    private readonly byte[] _prefix = new byte[FrameDecoder.LengthPrefixBytes];

    public FrameReader(Stream stream, FrameLimits limits)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(limits);
        _stream = stream;
        _limits = limits;
    }

    public FrameLimits Limits => _limits;

    public async ValueTask<FrameReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        int prefixRead = await _stream.ReadAtLeastAsync(_prefix, _prefix.Length, throwOnEndOfStream: false, cancellationToken)
            .ConfigureAwait(false);
        if (prefixRead == 0)
        {
            return FrameReadResult.EndOfStream();
        }

        if (prefixRead < _prefix.Length)
        {
            return FrameReadResult.Truncated(0);
        }

        uint length = BinaryPrimitives.ReadUInt32BigEndian(_prefix);
        if (FrameDecoder.RejectLength(length, _limits) is { } rejected)
        {
            return rejected;
        }

        int payloadLength = (int)length;
        byte[] payload = ArrayPool<byte>.Shared.Rent(payloadLength);
        try
        {
            int payloadRead = await _stream.ReadAtLeastAsync(payload.AsMemory(0, payloadLength), payloadLength, throwOnEndOfStream: false, cancellationToken)
                .ConfigureAwait(false);
            return payloadRead < payloadLength
                ? FrameReadResult.Truncated(length)
                : FrameDecoder.ParsePayload(payload.AsSpan(0, payloadLength));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(payload);
        }
    }
}
