using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using SecureMonitor.Pki;

namespace SecureMonitor.Monitor.Cluster.Remoting;

/// <summary>
/// Decides whether the other end of an Akka.Remote TLS connection is one of our monitor nodes. Runs for
/// both directions (as server for the dialling node's client certificate, as client for the server's).
/// Akka's default validator trusts the whole OS store; this one trusts only the project CA.
/// </summary>
public sealed class MonitorPeerCertificateValidator
{
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    private readonly X509Certificate2 _caCertificate;
    private readonly Func<X509Certificate2, bool>? _isRevoked;
    private readonly TimeProvider _time;

    /// <param name="caCertificate">The project CA, the only trust anchor.</param>
    /// <param name="isRevoked">Our revocation list (by serial); null when the caller has none.</param>
    /// <param name="time">The clock for validity dates; the system clock unless a test says otherwise.</param>
    public MonitorPeerCertificateValidator(
        X509Certificate2 caCertificate, Func<X509Certificate2, bool>? isRevoked = null, TimeProvider? time = null)
    {
        _caCertificate = caCertificate ?? throw new ArgumentNullException(nameof(caCertificate));
        _isRevoked = isRevoked;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>
    /// Matches Akka's <c>CertificateValidationCallback</c>. <paramref name="chain"/> and
    /// <paramref name="errors"/> come from the platform's check against the OS store, so they are not
    /// used: a chain built here against our CA alone is the only judge.
    /// </summary>
    public bool Validate(X509Certificate2? certificate, X509Chain? chain, string remotePeer, SslPolicyErrors errors, ILoggingAdapter? log)
    {
        string? reason;
        try
        {
            reason = certificate is null ? "no certificate presented" : RefusalReason(certificate);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or InvalidOperationException)
        {
            // A certificate that makes the checks throw is a malformed one: refuse, never let it bubble into DotNetty.
            reason = "malformed certificate (" + e.GetType().Name + ")";
        }

        if (reason is null) return true;
        log?.Warning("Refused TLS peer {0}: {1} (subject '{2}', serial {3})",
            remotePeer, reason, certificate?.Subject ?? "-", certificate?.SerialNumber ?? "-");
        return false;
    }

    /// <summary>Null when the certificate is a current monitor certificate issued by our CA; else why not.</summary>
    public string? RefusalReason(X509Certificate2 certificate)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        if (certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(e => e.CertificateAuthority))
            return "a CA certificate is not a node certificate";
        using (var chain = new X509Chain())
        {
            chain.ChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                CustomTrustStore = { _caCertificate },
                // Revocation is our own list (below); no CRL/OCSP fetches from a private CA's non-existent URLs.
                RevocationMode = X509RevocationMode.NoCheck,
                DisableCertificateDownloads = true,
                VerificationTime = now,
            };
            if (!chain.Build(certificate))
            {
                var flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
                return $"chain not valid under the project CA ({flags})";
            }
            // Leaf directly under our CA: the anchor must be this very CA, not a look-alike with the same name.
            var elements = chain.ChainElements;
            if (elements.Count != 2 || !elements[1].Certificate.RawDataMemory.Span.SequenceEqual(_caCertificate.RawDataMemory.Span))
                return "not issued directly by the project CA";
        }

        // A node is TLS client and server at once (it dials and is dialled), so it needs both purposes.
        if (!HasUsage(certificate, ServerAuthOid) || !HasUsage(certificate, ClientAuthOid))
            return "missing serverAuth or clientAuth extended key usage";
        if (!CertificateIdentity.TryFromCertificate(certificate, out var identity, out var identityFailure))
            return "no usable identity: " + identityFailure;
        if (identity.Role != CertificateRole.Monitor)
            return $"role '{identity.Role.ToWireName()}' is not monitor";
        if (_isRevoked?.Invoke(certificate) == true)
            return "revoked";
        return null;
    }

    private static bool HasUsage(X509Certificate2 certificate, string oid) =>
        certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>()
            .Any(e => e.EnhancedKeyUsages.Cast<Oid>().Any(usage => usage.Value == oid));
}
