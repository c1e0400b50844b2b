namespace SecureMonitor.Protocol.Sealing;

/// <summary>
/// Envelope format version 2 pads every plaintext before sealing, so the sealed size does not say
/// whether an envelope carries an alert or a heartbeat.
/// </summary>
/// <remarks>
/// <para>Format: <c>padded = plaintext || 0x80 || 0x00 * n</c> (ISO/IEC 7816-4), with <c>len(padded)</c> a
/// multiple of <see cref="ClassBytes"/> (4 KiB), at least the smallest that holds the plaintext and the marker.
/// A sealer may pad more (<see cref="EnvelopeSealer"/> pads every message to the largest class it has sealed).</para>
/// <para>Why 4 KiB steps: an alert is a few hundred bytes and a heartbeat carrying every metric is 1 to 3 KiB
/// on a usual host (a fixed set, one value per core and eight per network interface), so the smallest class
/// must hold a heartbeat, or the class alone would tell them apart; with smaller classes (256, 512, 1024 B)
/// it would. Above 4 KiB every message is a heartbeat of a big host (or a rule push from the monitor), so
/// finer steps reveal no kind, keep padding under 4 KiB, and never push a message that fitted a frame
/// beyond it by more than that (powers of two would turn a 33 KiB heartbeat into 64 KiB, past the
/// default frame limit). The cost: an alert is sealed as 4 KiB instead of ~0.3 KiB (negligible at
/// alert rates), heartbeats grow by under 4 KiB, and the watcher's spool holds fewer envelopes per byte.</para>
/// <para>The opener strips padding strictly, after the tag and MAC verified: a length that is not a
/// class, no 0x80 marker, or any non-zero byte after the marker is refused as malformed.</para>
/// </remarks>
public static class EnvelopePadding
{
    /// <summary>The padded plaintext's length is a multiple of this.</summary>
    public const int ClassBytes = 4096;

    private const byte Marker = 0x80;

    /// <summary>The smallest padded length that holds <paramref name="plaintextLength"/> bytes and the marker.</summary>
    public static int PaddedLength(int plaintextLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(plaintextLength);
        return checked((plaintextLength + 1 + ClassBytes - 1) / ClassBytes * ClassBytes);
    }

    /// <summary>Whether <paramref name="length"/> is a padded length (a positive multiple of <see cref="ClassBytes"/>).</summary>
    public static bool IsPaddedLength(int length) => length > 0 && length % ClassBytes == 0;

    /// <summary>Writes the marker and zeros after the <paramref name="plaintextLength"/> bytes already at the start of <paramref name="padded"/>.</summary>
    public static void PadInPlace(Span<byte> padded, int plaintextLength)
    {
        if (!IsPaddedLength(padded.Length) || plaintextLength < 0 || plaintextLength >= padded.Length)
        {
            throw new ArgumentException($"{padded.Length} B cannot hold {plaintextLength} B and the padding marker as a padded plaintext.", nameof(padded));
        }
        padded[plaintextLength] = Marker;
        padded[(plaintextLength + 1)..].Clear();
    }

    /// <summary>The length of the plaintext inside <paramref name="padded"/>; false if the padding is malformed.</summary>
    public static bool TryGetPlaintextLength(ReadOnlySpan<byte> padded, out int plaintextLength)
    {
        plaintextLength = 0;
        if (!IsPaddedLength(padded.Length))
        {
            return false;
        }
        int marker = padded.LastIndexOfAnyExcept((byte)0);
        if (marker < 0 || padded[marker] != Marker)
        {
            return false;
        }
        plaintextLength = marker;
        return true;
    }
}
