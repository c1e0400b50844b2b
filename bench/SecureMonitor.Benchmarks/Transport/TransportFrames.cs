using System.Security.Cryptography;
using Google.Protobuf;
using SecureMonitor.Protocol.Wire;

namespace SecureMonitor.Benchmarks.Transport;

/// <summary>Frames the transport benchmarks send.</summary>
internal static class TransportFrames
{
    public const int RawPayloadBytes = 256;

    /// <summary>An envelope frame of random bytes whose payload (after the 4-byte length prefix) is
    /// exactly <see cref="RawPayloadBytes"/> long: the unit of the raw TLS throughput figures.</summary>
    public static Frame Raw256()
    {
        for (int length = 0; length <= RawPayloadBytes; length++)
        {
            var frame = Frames.Envelope(new SealedEnvelope { Ciphertext = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(length)) });
            if (frame.CalculateSize() == RawPayloadBytes)
            {
                return frame;
            }
        }
        throw new InvalidOperationException($"No ciphertext length makes the frame exactly {RawPayloadBytes} B.");
    }
}
