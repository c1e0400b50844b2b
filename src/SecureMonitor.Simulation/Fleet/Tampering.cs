using Google.Protobuf;
using SecureMonitor.Protocol;
using SecureMonitor.Protocol.Wire;

namespace SecureMonitor.Simulation.Fleet;

/// <summary>Where a bit is flipped in a sealed envelope, and the refusal the monitor owes it.</summary>
public enum Tampering
{
    /// <summary>A ciphertext bit: AES-GCM's tag no longer verifies (<c>bad_tag</c>).</summary>
    Ciphertext,

    /// <summary>A tag bit: AES-GCM refuses it (<c>bad_tag</c>).</summary>
    Tag,

    /// <summary>A MAC bit: decryption succeeds, the HMAC-SHA256 check does not (<c>bad_hmac</c>).</summary>
    Mac,
}

public static class EnvelopeTampering
{
    /// <summary>The reason the monitor's opener gives (its checks run in a documented order: tag before MAC).</summary>
    public static RejectionReason ExpectedReason(Tampering where) => where switch
    {
        Tampering.Ciphertext or Tampering.Tag => RejectionReason.BadTag,
        Tampering.Mac => RejectionReason.BadHmac,
        _ => throw new ArgumentOutOfRangeException(nameof(where), where, "unknown tampering"),
    };

    /// <summary>A copy of <paramref name="envelope"/> with bit <paramref name="bit"/> (modulo the field's size) of one field flipped.</summary>
    public static SealedEnvelope FlipBit(SealedEnvelope envelope, Tampering where, int bit)
    {
        var copy = envelope.Clone();
        var field = where switch
        {
            Tampering.Ciphertext => copy.Ciphertext,
            Tampering.Tag => copy.Tag,
            Tampering.Mac => copy.Mac,
            _ => throw new ArgumentOutOfRangeException(nameof(where), where, "unknown tampering"),
        };
        if (field.Length == 0)
        {
            throw new ArgumentException($"the envelope's {where} is empty; nothing to flip", nameof(envelope));
        }
        var bytes = field.ToByteArray();
        var index = (int)((uint)bit % (uint)(bytes.Length * 8));
        bytes[index / 8] ^= (byte)(1 << (index % 8));
        var flipped = ByteString.CopyFrom(bytes);
        switch (where)
        {
            case Tampering.Ciphertext: copy.Ciphertext = flipped; break;
            case Tampering.Tag: copy.Tag = flipped; break;
            default: copy.Mac = flipped; break;
        }
        return copy;
    }
}
