using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecureMonitor.Pki;

/// <summary>
/// Certificates whose chain to the project CA was already built and found good, by SHA-256 of their DER
/// bytes, with the time window in which that holds (the leaf's and the CA's validity). A signature that
/// verified once verifies forever, so a reconnecting watcher skips the chain build (most of a handshake's
/// certificate work: a reconnect storm of thousands is bound by handshakes). Revocation, purpose and role
/// are still checked on every use. Bounded: when full it starts over.
/// </summary>
internal sealed class AnchoredCertificates
{
    /// <summary>More than a fleet's watchers and consoles; one entry is about 100 bytes.</summary>
    private const int Capacity = 65_536;

    private readonly ConcurrentDictionary<Hash, (DateTime From, DateTime Until)> entries = new();

    public bool Contains(X509Certificate2 certificate, DateTimeOffset now) =>
        entries.TryGetValue(Hash.Of(certificate), out var window) && now.UtcDateTime >= window.From && now.UtcDateTime <= window.Until;

    public void Add(X509Certificate2 certificate, X509Certificate2 ca)
    {
        if (entries.Count >= Capacity)
        {
            entries.Clear();
        }
        var from = Later(certificate.NotBefore.ToUniversalTime(), ca.NotBefore.ToUniversalTime());
        var until = Earlier(certificate.NotAfter.ToUniversalTime(), ca.NotAfter.ToUniversalTime());
        entries[Hash.Of(certificate)] = (from, until);
    }

    private static DateTime Later(DateTime a, DateTime b) => a > b ? a : b;

    private static DateTime Earlier(DateTime a, DateTime b) => a < b ? a : b;

    private readonly record struct Hash(UInt128 High, UInt128 Low)
    {
        public static Hash Of(X509Certificate2 certificate)
        {
            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(certificate.RawDataMemory.Span, digest);
            return new Hash(BitConverter.ToUInt128(digest[..16]), BitConverter.ToUInt128(digest[16..]));
        }
    }
}
