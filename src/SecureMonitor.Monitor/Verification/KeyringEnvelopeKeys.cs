using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using SecureMonitor.Pki;
using SecureMonitor.Protocol;
using SecureMonitor.Protocol.Sealing;
using SecureMonitor.Protocol.Wire;

namespace SecureMonitor.Monitor.Verification;

/// <summary>
/// Envelope keys from the PKI key ring. The ring is asked on every message, so a revocation, a
/// rotation or the end of a grace period takes effect at once; the derived keys (and their reused
/// AES-GCM and HMAC instances) are cached because deriving costs more than opening.
/// </summary>
public sealed class KeyringEnvelopeKeys(IKeyring keyring, TimeProvider time) : IEnvelopeKeyProvider, IDisposable
{
    private readonly ConcurrentDictionary<(string Host, uint KeyId, Direction Direction), EnvelopeKey> _derived = new();

    public bool TryGetKey(string hostId, uint keyId, Direction direction, [NotNullWhen(true)] out EnvelopeKey? key, out RejectionReason whyNot)
    {
        var now = time.GetUtcNow();
        if (_derived.TryGetValue((hostId, keyId, direction), out key))
        {
            // Hot path: the keys are derived already; only ask whether they are still acceptable.
            whyNot = ReasonFor(keyring.Check(hostId, keyId, now));
            if (whyNot == RejectionReason.None)
            {
                return true;
            }
            key = null;
            return false;
        }

        var lookup = keyring.Lookup(hostId, keyId, now);
        whyNot = ReasonFor(lookup.Status);
        if (lookup.Psk is not { } psk)
        {
            return false;
        }
        try
        {
            key = _derived.GetOrAdd((hostId, keyId, direction),
                static (id, secret) => EnvelopeKey.Derive(secret, id.Host, id.KeyId, id.Direction), psk);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(psk);
        }
        return true;
    }

    private static RejectionReason ReasonFor(KeyLookupStatus status) => status switch
    {
        KeyLookupStatus.Found => RejectionReason.None,
        KeyLookupStatus.UnknownHost => RejectionReason.UnknownHost,
        KeyLookupStatus.UnknownKeyId => RejectionReason.UnknownKeyId,
        KeyLookupStatus.KeyExpired => RejectionReason.KeyExpired,
        KeyLookupStatus.Revoked => RejectionReason.Revoked,
        _ => RejectionReason.UnknownKeyId,
    };

    public void Dispose()
    {
        foreach (var key in _derived.Values)
        {
            key.Dispose();
        }
        _derived.Clear();
    }
}
