using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Google.Protobuf;
using SecureMonitor.Protocol.Wire;

namespace SecureMonitor.Protocol.Sealing;

/// <summary>
/// Verifies and decrypts envelopes (format: <see cref="EnvelopeSealer"/>) arriving from one
/// direction. Stateless apart from its settings; the keys it uses are not thread-safe, so call it
/// from the actor that owns the host.
/// </summary>
/// <remarks>
/// Checks, in order, each failing with the reason given:
/// field sizes (nonce 12, tag 16, mac 32, header 1..256, ciphertext a padded length within the limit) → Malformed;
/// header parse, direction, sequence ≥ 1, nonce suffix = sequence → Malformed;
/// header version ≠ 1 → UnknownVersion; header host ≠ the TLS identity → HostMismatch;
/// key lookup → the provider's reason; AES-GCM with the header as associated data → BadTag;
/// HMAC compared in fixed time → BadHmac; padding (<see cref="EnvelopePadding"/>) → Malformed.
/// Replay is not checked here: the host actor owns the high-water mark.
/// No exception escapes for bad input.
/// </remarks>
public sealed class EnvelopeOpener
{
    private readonly Direction _expectedDirection;
    private readonly int _maxCiphertextBytes;

    /// <param name="expectedDirection">The direction this side receives: <see cref="Direction.WatcherToMonitor"/> on the monitor.</param>
    /// <param name="maxCiphertextBytes">Largest ciphertext accepted; the frame limit bounds it anyway.</param>
    public EnvelopeOpener(Direction expectedDirection, int maxCiphertextBytes = FrameLimits.DefaultMaxFrameBytes)
    {
        if (expectedDirection is not (Direction.WatcherToMonitor or Direction.MonitorToWatcher))
        {
            throw new ArgumentOutOfRangeException(nameof(expectedDirection), expectedDirection, "Envelopes travel in one of two directions.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(maxCiphertextBytes);
        _expectedDirection = expectedDirection;
        _maxCiphertextBytes = maxCiphertextBytes;
    }

    public bool TryOpen(
        SealedEnvelope envelope,
        string expectedHostId,
        IEnvelopeKeyProvider keys,
        [NotNullWhen(true)] out OpenedEnvelope? opened,
        out RejectionReason reason)
    {
        ArgumentNullException.ThrowIfNull(keys);
        opened = null;
        if (envelope is null || !HasValidSizes(envelope))
        {
            reason = RejectionReason.Malformed;
            return false;
        }

        ReadOnlySpan<byte> headerBytes = envelope.Header.Span;
        ReadOnlySpan<byte> nonce = envelope.Nonce.Span;
        ReadOnlySpan<byte> ciphertext = envelope.Ciphertext.Span;
        ReadOnlySpan<byte> tag = envelope.Tag.Span;

        if (!TryParseHeader(headerBytes, nonce, out EnvelopeHeader? header, out reason))
        {
            return false;
        }

        if (!string.Equals(header.HostId, expectedHostId, StringComparison.Ordinal))
        {
            reason = RejectionReason.HostMismatch;
            return false;
        }

        if (!keys.TryGetKey(header.HostId, header.KeyId, _expectedDirection, out EnvelopeKey? key, out RejectionReason whyNot))
        {
            reason = whyNot;
            return false;
        }

        byte[] plaintext = new byte[ciphertext.Length];
        if (!key.TryDecrypt(nonce, ciphertext, tag, plaintext, headerBytes))
        {
            reason = RejectionReason.BadTag;
            return false;
        }

        if (!MacMatches(key, headerBytes, nonce, ciphertext, tag, envelope.Mac.Span))
        {
            CryptographicOperations.ZeroMemory(plaintext);
            reason = RejectionReason.BadHmac;
            return false;
        }

        // Only an authentic plaintext gets here, so how long the padding check takes reveals nothing; a sender
        // holding the key that pads wrongly is refused all the same.
        if (!EnvelopePadding.TryGetPlaintextLength(plaintext, out int plaintextLength))
        {
            CryptographicOperations.ZeroMemory(plaintext);
            reason = RejectionReason.Malformed;
            return false;
        }

        opened = new OpenedEnvelope(header.HostId, header.KeyId, header.Sequence, header.SentUnixMs, header.Direction,
            plaintext.AsMemory(0, plaintextLength));
        reason = RejectionReason.None;
        return true;
    }

    private static bool MacMatches(
        EnvelopeKey key, ReadOnlySpan<byte> header, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, ReadOnlySpan<byte> mac)
    {
        // The parsed fields are separate buffers; copying them together is cheaper than hashing them in five calls.
        const int StackLimit = 1024;
        int length = EnvelopeMacInput.Length(header.Length, ciphertext.Length);
        byte[]? rented = length > StackLimit ? ArrayPool<byte>.Shared.Rent(length) : null;
        Span<byte> macInput = (rented is null ? stackalloc byte[StackLimit] : rented)[..length];
        try
        {
            EnvelopeMacInput.Write(header, nonce, ciphertext, tag, macInput);
            Span<byte> expectedMac = stackalloc byte[EnvelopeFormat.MacBytes];
            key.ComputeMac(macInput, expectedMac);
            return CryptographicOperations.FixedTimeEquals(expectedMac, mac);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private bool HasValidSizes(SealedEnvelope envelope) =>
        envelope.Header.Length is > 0 and <= EnvelopeFormat.MaxHeaderBytes
        && envelope.Nonce.Length == EnvelopeFormat.NonceBytes
        && envelope.Tag.Length == EnvelopeFormat.TagBytes
        && envelope.Mac.Length == EnvelopeFormat.MacBytes
        && EnvelopePadding.IsPaddedLength(envelope.Ciphertext.Length)
        && envelope.Ciphertext.Length <= _maxCiphertextBytes;

    private bool TryParseHeader(
        ReadOnlySpan<byte> headerBytes, ReadOnlySpan<byte> nonce, [NotNullWhen(true)] out EnvelopeHeader? header, out RejectionReason reason)
    {
        try
        {
            header = EnvelopeHeader.Parser.ParseFrom(headerBytes);
        }
        catch (InvalidProtocolBufferException)
        {
            header = null;
            reason = RejectionReason.Malformed;
            return false;
        }

        reason = header.Version != EnvelopeFormat.HeaderVersion ? RejectionReason.UnknownVersion
            : header.Direction != _expectedDirection ? RejectionReason.Malformed
            : header.Sequence == 0 ? RejectionReason.Malformed
            // The nonce's counter part must be the sequence (format v1); anything else is not our sealer's output.
            : BinaryPrimitives.ReadUInt64BigEndian(nonce[EnvelopeFormat.NoncePrefixBytes..]) != header.Sequence ? RejectionReason.Malformed
            : RejectionReason.None;
        return reason == RejectionReason.None;
    }
}
