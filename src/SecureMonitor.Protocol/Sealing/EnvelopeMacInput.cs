using System.Buffers.Binary;

namespace SecureMonitor.Protocol.Sealing;

/// <summary>
/// The bytes the envelope HMAC covers: <c>u32be(len(header)) || header || nonce || ciphertext || tag</c>.
/// </summary>
/// <remarks>
/// The header is length-prefixed so no byte can move between header and body; nonce and tag have
/// fixed sizes, so the ciphertext is exactly what lies between them. The input is hashed as one
/// contiguous span: each HMAC append is a native call, and five appends cost more than the hash
/// of 256 bytes itself.
/// </remarks>
internal static class EnvelopeMacInput
{
    public const int HeaderLengthBytes = sizeof(uint);

    public static int Length(int headerLength, int ciphertextLength) =>
        HeaderLengthBytes + headerLength + EnvelopeFormat.NonceBytes + ciphertextLength + EnvelopeFormat.TagBytes;

    /// <summary>Writes the header length; the sealer lays header, nonce, ciphertext and tag out right after it.</summary>
    public static void WriteHeaderLength(Span<byte> destination, int headerLength) =>
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)headerLength);

    /// <summary>Assembles the whole input from separate fields (as the opener receives them).</summary>
    public static void Write(
        ReadOnlySpan<byte> header, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> destination)
    {
        WriteHeaderLength(destination, header.Length);
        int at = HeaderLengthBytes;
        header.CopyTo(destination[at..]);
        at += header.Length;
        nonce.CopyTo(destination[at..]);
        at += nonce.Length;
        ciphertext.CopyTo(destination[at..]);
        at += ciphertext.Length;
        tag.CopyTo(destination[at..]);
    }
}
