namespace SecureMonitor.Pki;

/// <summary>
/// A watcher's copy of its current PSK (psk.json in its bundle). <see cref="ToString"/> leaves the key out.
/// </summary>
public sealed class PreSharedKey
{
    private readonly byte[] key;

    public PreSharedKey(string hostId, uint keyId, ReadOnlySpan<byte> key)
    {
        if (key.Length != KeyringKey.KeyLength) throw new ArgumentException($"A pre-shared key is {KeyringKey.KeyLength} bytes.", nameof(key));
        if (keyId == 0) throw new ArgumentOutOfRangeException(nameof(keyId), "Key ids start at 1.");
        HostId = IdentityName.Normalize(hostId, "host id");
        KeyId = keyId;
        this.key = key.ToArray();
    }

    public string HostId { get; }
    public uint KeyId { get; }

    /// <summary>The 32 key bytes: input keying material for the envelope's HKDF.</summary>
    public ReadOnlySpan<byte> Key => key;

    public override string ToString() => $"PreSharedKey {{ HostId = {HostId}, KeyId = {KeyId} }}";
}
