using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;

namespace SecureMonitor.Benchmarks.Protocol;

/// <summary>
/// The floor under <see cref="EnvelopeBenchmarks"/>: the bare primitives on 256 bytes with reused
/// instances, as an envelope uses them (one AES-GCM operation and one HMAC per seal, and per open).
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class EnvelopeCryptoLimitBenchmarks
{
    private const int Size = 256;
    private readonly byte[] _nonce = new byte[12];
    private readonly byte[] _associatedData = new byte[48];
    private readonly byte[] _plaintext = new byte[Size];
    private readonly byte[] _ciphertext = new byte[Size];
    private readonly byte[] _decrypted = new byte[Size];
    private readonly byte[] _tag = new byte[16];
    private readonly byte[] _mac = new byte[32];
    private AesGcm _aead = null!;
    private IncrementalHash _hmac = null!;

    [GlobalSetup]
    public void Setup()
    {
        _aead = new AesGcm(RandomNumberGenerator.GetBytes(32), 16);
        _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, RandomNumberGenerator.GetBytes(32));
        RandomNumberGenerator.Fill(_plaintext);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _aead.Dispose();
        _hmac.Dispose();
    }

    [Benchmark(Description = "AES-256-GCM encrypt + decrypt 256 B")]
    public void AesGcmEncryptDecrypt()
    {
        _aead.Encrypt(_nonce, _plaintext, _ciphertext, _tag, _associatedData);
        _aead.Decrypt(_nonce, _ciphertext, _tag, _decrypted, _associatedData);
    }

    [Benchmark(Description = "HMAC-SHA256 256 B (reused)")]
    public int HmacSha256()
    {
        _hmac.AppendData(_ciphertext);
        return _hmac.GetHashAndReset(_mac);
    }

    [Benchmark(Description = "Limit of seal + open: GCM enc + dec + 2 HMAC, 256 B")]
    public int SealAndOpenPrimitives()
    {
        _aead.Encrypt(_nonce, _plaintext, _ciphertext, _tag, _associatedData);
        _hmac.AppendData(_ciphertext);
        _hmac.GetHashAndReset(_mac);
        _aead.Decrypt(_nonce, _ciphertext, _tag, _decrypted, _associatedData);
        _hmac.AppendData(_ciphertext);
        return _hmac.GetHashAndReset(_mac);
    }
}
