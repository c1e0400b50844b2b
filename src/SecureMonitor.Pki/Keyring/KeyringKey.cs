using System.Security.Cryptography;

namespace SecureMonitor.Pki;

/// <summary>
/// One pre-shared key of one host. The key bytes are reachable only inside this assembly (and via
/// <see cref="KeyLookup"/>); <see cref="ToString"/> shows metadata only.
/// </summary>
public sealed class KeyringKey
{
    /// <summary>The length of every PSK: 256 bits, the AES-256 / HKDF-SHA256 input size.</summary>
    public const int KeyLength = 32;

    private readonly byte[] key;

    internal KeyringKey(uint keyId, ReadOnlySpan<byte> key, DateTimeOffset createdAt, DateTimeOffset? retiresAt, DateTimeOffset? revokedAt)
    {
        if (keyId == 0) throw new ArgumentOutOfRangeException(nameof(keyId), "Key ids start at 1.");
        if (key.Length != KeyLength) throw new ArgumentException($"A pre-shared key is {KeyLength} bytes.", nameof(key));
        KeyId = keyId;
        this.key = key.ToArray();
        CreatedAt = createdAt;
        RetiresAt = retiresAt;
        RevokedAt = revokedAt;
    }

    public uint KeyId { get; }
    public DateTimeOffset CreatedAt { get; }

    /// <summary>Null while the key is current; set to rotation time + grace when it is rotated out.</summary>
    public DateTimeOffset? RetiresAt { get; }

    public DateTimeOffset? RevokedAt { get; }

    internal ReadOnlySpan<byte> KeyBytes => key;

    public static KeyringKey CreateNew(uint keyId, DateTimeOffset now) =>
        new(keyId, RandomNumberGenerator.GetBytes(KeyLength), now, retiresAt: null, revokedAt: null);

    public KeyState StateAt(DateTimeOffset now) =>
        RevokedAt is not null ? KeyState.Revoked
        : RetiresAt is null ? KeyState.Current
        : now < RetiresAt ? KeyState.Retiring
        : KeyState.Expired;

    internal KeyringKey RetiringAt(DateTimeOffset retiresAt) => new(KeyId, key, CreatedAt, retiresAt, RevokedAt);

    internal KeyringKey RevokedOn(DateTimeOffset revokedAt) => new(KeyId, key, CreatedAt, RetiresAt, RevokedAt ?? revokedAt);

    public override string ToString() =>
        $"key {KeyId} (created {CreatedAt:O}" +
        (RetiresAt is { } r ? $", retires {r:O}" : "") +
        (RevokedAt is { } v ? $", revoked {v:O}" : "") + ")";
}
