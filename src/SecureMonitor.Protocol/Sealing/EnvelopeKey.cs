using System.Security.Cryptography;
using SecureMonitor.Protocol.Wire;

namespace SecureMonitor.Protocol.Sealing;

/// <summary>
/// The AES-256-GCM and HMAC-SHA256 keys of one host, key id and direction, held as reused
/// primitive instances: a new AesGcm per message halves throughput, and one-shot HMAC is half as
/// fast as a reused instance (ARCHITECTURE.md, "Limits measured").
/// </summary>
/// <remarks>
/// Not thread-safe, by design: one instance belongs to one actor (the host's actor on the
/// monitor, the sender on the watcher). The derived key bytes live only on the stack while the
/// primitives are built and are zeroed right after, so this object holds no copy of its own to
/// leak; disposing releases the primitives' copies. It never exposes or prints key material.
/// </remarks>
public sealed class EnvelopeKey : IDisposable
{
    private readonly AesGcm _aead;
    private readonly IncrementalHash _mac;
    private bool _disposed;

    private EnvelopeKey(string hostId, uint keyId, Direction direction, ReadOnlySpan<byte> aeadKey, ReadOnlySpan<byte> macKey)
    {
        HostId = hostId;
        KeyId = keyId;
        Direction = direction;
        _aead = new AesGcm(aeadKey, EnvelopeFormat.TagBytes);
        _mac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, macKey);
    }

    public string HostId { get; }
    public uint KeyId { get; }
    public Direction Direction { get; }

    /// <summary>Derives the keys (see <see cref="KeyDerivation"/>) and builds the primitives.</summary>
    public static EnvelopeKey Derive(ReadOnlySpan<byte> preSharedKey, string hostId, uint keyId, Direction direction)
    {
        Span<byte> keys = stackalloc byte[2 * KeyDerivation.DerivedKeyBytes];
        try
        {
            Span<byte> aeadKey = keys[..KeyDerivation.DerivedKeyBytes];
            Span<byte> macKey = keys[KeyDerivation.DerivedKeyBytes..];
            KeyDerivation.DeriveEnvelopeKeys(preSharedKey, hostId, keyId, direction, aeadKey, macKey);
            return new EnvelopeKey(hostId, keyId, direction, aeadKey, macKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keys);
        }
    }

    public override string ToString() => $"EnvelopeKey({HostId}#{KeyId}, {Direction})";

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _aead.Dispose();
        _mac.Dispose();
    }

    internal void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associatedData)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _aead.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);
    }

    /// <summary>False when the tag does not verify; <paramref name="plaintext"/> is then zeroed by AesGcm.</summary>
    internal bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            _aead.Decrypt(nonce, ciphertext, tag, plaintext, associatedData);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    /// <summary>HMAC-SHA256 of <paramref name="macInput"/>, laid out as <see cref="EnvelopeMacInput"/> describes.</summary>
    internal void ComputeMac(ReadOnlySpan<byte> macInput, Span<byte> mac)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _mac.AppendData(macInput);
        _mac.GetHashAndReset(mac);
    }
}
