using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SecureMonitor.Protocol.Wire;

namespace SecureMonitor.Protocol.Sealing;

/// <summary>
/// Derives the envelope keys of one host, key id and direction from the host's pre-shared key.
/// </summary>
/// <remarks>
/// <code>
/// aead key = HKDF-SHA256(ikm = PSK, salt = "SecureMonitor/envelope/v1", info = "aead|{direction}|{hostId}|{keyId}", 32 bytes)
/// mac key  = HKDF-SHA256(ikm = PSK, salt = "SecureMonitor/envelope/v1", info = "mac|{direction}|{hostId}|{keyId}",  32 bytes)
/// direction = "watcher_to_monitor" | "monitor_to_watcher"; keyId in decimal; all UTF-8
/// </code>
/// Each direction has its own keys, so the two sides' nonces can never collide under one key.
/// The info string is unambiguous although a host id may contain '|': the label and direction
/// come first from fixed sets, and the key id is last and cannot contain '|'.
/// Changing any of this changes every key: that is a new envelope version.
/// </remarks>
public static class KeyDerivation
{
    public const int PreSharedKeyBytes = 32;
    public const int DerivedKeyBytes = 32;

    private static ReadOnlySpan<byte> Salt => "SecureMonitor/envelope/v1"u8;

    /// <summary>Fills <paramref name="aeadKey"/> and <paramref name="macKey"/> (32 bytes each).</summary>
    public static void DeriveEnvelopeKeys(
        ReadOnlySpan<byte> preSharedKey, string hostId, uint keyId, Direction direction, Span<byte> aeadKey, Span<byte> macKey)
    {
        if (preSharedKey.Length != PreSharedKeyBytes)
        {
            throw new ArgumentException($"A pre-shared key has {PreSharedKeyBytes} bytes.", nameof(preSharedKey));
        }

        if (aeadKey.Length != DerivedKeyBytes || macKey.Length != DerivedKeyBytes)
        {
            throw new ArgumentException($"Derived keys have {DerivedKeyBytes} bytes.");
        }

        ValidateHostId(hostId);
        string suffix = string.Create(CultureInfo.InvariantCulture, $"|{DirectionLabel(direction)}|{hostId}|{keyId}");
        HKDF.DeriveKey(HashAlgorithmName.SHA256, preSharedKey, aeadKey, Salt, Encoding.UTF8.GetBytes("aead" + suffix));
        HKDF.DeriveKey(HashAlgorithmName.SHA256, preSharedKey, macKey, Salt, Encoding.UTF8.GetBytes("mac" + suffix));
    }

    /// <summary>The direction's name in the HKDF info. Fixed strings, not enum names, so codegen cannot change keys.</summary>
    public static string DirectionLabel(Direction direction) => direction switch
    {
        Direction.WatcherToMonitor => "watcher_to_monitor",
        Direction.MonitorToWatcher => "monitor_to_watcher",
        _ => throw new ArgumentOutOfRangeException(nameof(direction), direction, "Keys exist only for the two real directions."),
    };

    internal static void ValidateHostId(string hostId)
    {
        ArgumentException.ThrowIfNullOrEmpty(hostId);
        if (Encoding.UTF8.GetByteCount(hostId) > EnvelopeFormat.MaxHostIdBytes)
        {
            throw new ArgumentException($"A host id has at most {EnvelopeFormat.MaxHostIdBytes} UTF-8 bytes.", nameof(hostId));
        }
    }
}
