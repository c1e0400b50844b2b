namespace SecureMonitor.Protocol.Sealing;

/// <summary>
/// Fixed sizes of envelope format version 2 (message SealedEnvelope in securemonitor.proto).
/// The opener rejects any other size as malformed before touching a key.
/// </summary>
public static class EnvelopeFormat
{
    /// <summary>The only EnvelopeHeader.version sealed and accepted. Version 2 pads the plaintext
    /// (<see cref="EnvelopePadding"/>); version 1 did not, and is refused as an unknown version.</summary>
    public const uint HeaderVersion = 2;

    /// <summary>AES-GCM nonce: 4-byte per-sealer prefix followed by the 8-byte big-endian sequence.</summary>
    public const int NonceBytes = 12;
    public const int NoncePrefixBytes = 4;

    /// <summary>Full-length AES-GCM tag; truncated tags weaken forgery resistance.</summary>
    public const int TagBytes = 16;

    /// <summary>HMAC-SHA256 output.</summary>
    public const int MacBytes = 32;

    /// <summary>Bound on the serialized header, so the parser never works on more.</summary>
    public const int MaxHeaderBytes = 256;

    /// <summary>Bound on a host id (UTF-8 bytes); keeps every valid header under <see cref="MaxHeaderBytes"/>.</summary>
    public const int MaxHostIdBytes = 128;
}
