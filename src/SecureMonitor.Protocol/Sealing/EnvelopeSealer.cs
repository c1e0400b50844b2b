using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using Google.Protobuf;
using SecureMonitor.Protocol.Wire;

namespace SecureMonitor.Protocol.Sealing;

/// <summary>
/// Seals plaintexts (a serialized WatcherMessage or MonitorMessage) under one <see cref="EnvelopeKey"/>.
/// Not thread-safe: one sealer per key, owned by the sending actor.
/// </summary>
/// <remarks>
/// <para>Envelope format version 2 (message SealedEnvelope):</para>
/// <code>
/// header     = serialized EnvelopeHeader { version = 2, host_id, key_id, sequence, sent_unix_ms, direction }
/// nonce      = prefix (4 random bytes, fixed per sealer) || u64be(sequence)
/// padded     = plaintext || 0x80 || 0x00*, a multiple of 4 KiB (<see cref="EnvelopePadding"/>)
/// ciphertext, tag = AES-256-GCM(aead key, nonce, padded, associated data = header), 16-byte tag
/// mac        = HMAC-SHA256(mac key, u32be(len(header)) || header || nonce || ciphertext || tag)
/// </code>
/// <para>Why the nonce never repeats under one key: a GCM nonce must be unique per key, and a
/// repeat leaks the authentication key. Within one sealer the sequence part is unique because
/// <see cref="Seal(ulong, long, ReadOnlySpan{byte})"/> refuses any sequence not above the last
/// one sealed. Keys are per direction, so the monitor's and the watcher's sequences never share
/// a key. What remains is a restart that lost its sequence state and seals an old sequence again:
/// the new sealer's fresh random prefix makes that collide with probability 2^-32 per reused
/// sequence, instead of certainly. A counter rather than a random nonce per message also avoids
/// an RNG call that costs as much as the cipher.</para>
/// <para>Padding: each message is padded to the largest class this sealer has sealed so far, not only
/// to its own, so on a host whose heartbeats need 8 KiB an alert is sealed as 8 KiB too (version 1
/// sealed the bare plaintext, whose size told an alert from a heartbeat).</para>
/// <para>Consequence for senders: to resend after a reconnect, send the stored sealed envelope
/// again, never re-seal the same sequence.</para>
/// </remarks>
public sealed class EnvelopeSealer
{
    private readonly EnvelopeKey _key;
    private readonly uint _noncePrefix;
    private ulong _lastSequence;
    private int _largestPaddedLength;

    public EnvelopeSealer(EnvelopeKey key)
        : this(key, RandomNoncePrefix())
    {
    }

    /// <summary>For tests that need a known prefix; production code takes a random one.</summary>
    internal EnvelopeSealer(EnvelopeKey key, uint noncePrefix)
    {
        ArgumentNullException.ThrowIfNull(key);
        _key = key;
        _noncePrefix = noncePrefix;
    }

    public EnvelopeKey Key => _key;

    /// <summary>The highest sequence sealed so far (0 before the first).</summary>
    public ulong LastSequence => _lastSequence;

    /// <summary>Serializes, pads and seals a message; the pooled plaintext buffer is cleared afterwards.</summary>
    public SealedEnvelope Seal(ulong sequence, long sentUnixMs, IMessage plaintext)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        int size = plaintext.CalculateSize();
        int paddedLength = PaddedLengthFor(size);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(paddedLength);
        try
        {
            plaintext.WriteTo(buffer.AsSpan(0, size));
            return SealPadded(sequence, sentUnixMs, buffer.AsSpan(0, paddedLength), size);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    /// <summary>Pads and seals <paramref name="plaintext"/> as the envelope numbered <paramref name="sequence"/>.</summary>
    /// <exception cref="InvalidOperationException">The sequence is not above the last one sealed (it would reuse a nonce).</exception>
    public SealedEnvelope Seal(ulong sequence, long sentUnixMs, ReadOnlySpan<byte> plaintext)
    {
        int paddedLength = PaddedLengthFor(plaintext.Length);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(paddedLength);
        try
        {
            plaintext.CopyTo(buffer);
            return SealPadded(sequence, sentUnixMs, buffer.AsSpan(0, paddedLength), plaintext.Length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    private int PaddedLengthFor(int plaintextLength) => Math.Max(EnvelopePadding.PaddedLength(plaintextLength), _largestPaddedLength);

    private SealedEnvelope SealPadded(ulong sequence, long sentUnixMs, Span<byte> padded, int plaintextLength)
    {
        ArgumentOutOfRangeException.ThrowIfZero(sequence);
        if (sequence <= _lastSequence)
        {
            throw new InvalidOperationException(
                $"Sequence {sequence} is not above {_lastSequence}: sealing it again would reuse a nonce. Resend the stored envelope instead.");
        }

        EnvelopePadding.PadInPlace(padded, plaintextLength);
        ReadOnlySpan<byte> plaintext = padded;
        var header = new EnvelopeHeader
        {
            Version = EnvelopeFormat.HeaderVersion,
            HostId = _key.HostId,
            KeyId = _key.KeyId,
            Sequence = sequence,
            SentUnixMs = sentUnixMs,
            Direction = _key.Direction,
        };
        int headerLength = header.CalculateSize();
        if (headerLength > EnvelopeFormat.MaxHeaderBytes)
        {
            throw new InvalidOperationException($"Envelope header of {headerLength} B exceeds {EnvelopeFormat.MaxHeaderBytes} B.");
        }

        // One array holds the MAC input followed by the MAC: u32be(len(header)) | header | nonce |
        // ciphertext | tag | mac. The ByteStrings are views of it, so sealing allocates one buffer
        // rather than five, and the MAC is computed over one contiguous span.
        int headerAt = EnvelopeMacInput.HeaderLengthBytes;
        int nonceAt = headerAt + headerLength;
        int ciphertextAt = nonceAt + EnvelopeFormat.NonceBytes;
        int tagAt = ciphertextAt + plaintext.Length;
        int macAt = tagAt + EnvelopeFormat.TagBytes;
        byte[] sealedBytes = new byte[macAt + EnvelopeFormat.MacBytes];
        Span<byte> all = sealedBytes;
        Span<byte> headerBytes = all[headerAt..nonceAt];
        Span<byte> nonce = all[nonceAt..ciphertextAt];

        EnvelopeMacInput.WriteHeaderLength(all, headerLength);
        header.WriteTo(headerBytes);
        BinaryPrimitives.WriteUInt32BigEndian(nonce, _noncePrefix);
        BinaryPrimitives.WriteUInt64BigEndian(nonce[EnvelopeFormat.NoncePrefixBytes..], sequence);
        _key.Encrypt(nonce, plaintext, all[ciphertextAt..tagAt], all[tagAt..macAt], headerBytes);
        _key.ComputeMac(all[..macAt], all[macAt..]);
        _lastSequence = sequence;
        _largestPaddedLength = Math.Max(_largestPaddedLength, padded.Length);

        ReadOnlyMemory<byte> memory = sealedBytes;
        return new SealedEnvelope
        {
            Header = UnsafeByteOperations.UnsafeWrap(memory[headerAt..nonceAt]),
            Nonce = UnsafeByteOperations.UnsafeWrap(memory[nonceAt..ciphertextAt]),
            Ciphertext = UnsafeByteOperations.UnsafeWrap(memory[ciphertextAt..tagAt]),
            Tag = UnsafeByteOperations.UnsafeWrap(memory[tagAt..macAt]),
            Mac = UnsafeByteOperations.UnsafeWrap(memory[macAt..]),
        };
    }

    private static uint RandomNoncePrefix()
    {
        Span<byte> prefix = stackalloc byte[EnvelopeFormat.NoncePrefixBytes];
        RandomNumberGenerator.Fill(prefix);
        return BinaryPrimitives.ReadUInt32BigEndian(prefix);
    }
}
