using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecureMonitor.Pki;

/// <summary>
/// The checks shared by both validators. The chain is built here against the project CA alone,
/// never from the chain the TLS layer built (that one trusts the system store and may contain
/// whatever the peer sent). Revocation is our own list by serial, so platform revocation is off.
/// </summary>
internal sealed class CaChainVerifier
{
    private readonly X509Certificate2 caCertificate;
    private readonly IRevocationList revocations;
    private readonly AnchoredCertificates anchored = new();

    public CaChainVerifier(X509Certificate2 caCertificate, IRevocationList revocations)
    {
        this.caCertificate = caCertificate;
        this.revocations = revocations;
    }

    /// <summary>
    /// Checks issuer, dates, revocation, certificate purpose (<paramref name="requiredUsageOid"/> must be
    /// present: a certificate without an EKU would otherwise be good for everything) and the role URI.
    /// </summary>
    public ValidationResult Verify(X509Certificate2 certificate, DateTimeOffset now, string requiredUsageOid, string wrongUsageReason)
    {
        if (!anchored.Contains(certificate, now))
        {
            using var chain = new X509Chain();
            chain.ChainPolicy = Policy(now);
            var built = chain.Build(certificate);
            if (ChainFailure(chain, built, certificate, now) is { } failure) return ValidationResult.Failure(failure);
            anchored.Add(certificate, caCertificate);
        }

        if (revocations.IsRevoked(certificate.SerialNumber)) return ValidationResult.Failure(ValidationFailures.Revoked);
        if (!HasUsage(certificate, requiredUsageOid) || IsCa(certificate)) return ValidationResult.Failure(wrongUsageReason);
        return CertificateIdentity.TryFromCertificate(certificate, out var identity, out var reason)
            ? ValidationResult.Success(identity)
            : ValidationResult.Failure(reason);
    }

    /// <summary>A chain policy that trusts the project CA alone, at <paramref name="now"/> (or at build time when null):
    /// also handed to the TLS layer, so its own chain check does not search the system store.</summary>
    public X509ChainPolicy Policy(DateTimeOffset? now = null) => new()
    {
        TrustMode = X509ChainTrustMode.CustomRootTrust,
        CustomTrustStore = { caCertificate },
        RevocationMode = X509RevocationMode.NoCheck,
        DisableCertificateDownloads = true,
        VerificationTime = (now ?? DateTimeOffset.UtcNow).UtcDateTime,
        VerificationTimeIgnored = now is null,
    };

    private string? ChainFailure(X509Chain chain, bool built, X509Certificate2 certificate, DateTimeOffset now)
    {
        // Leaf directly under our CA: pathlen 0 allows no intermediate, and the root must be this very CA.
        var elements = chain.ChainElements;
        var anchoredHere = elements.Count == 2 && elements[1].Certificate.RawDataMemory.Span.SequenceEqual(caCertificate.RawDataMemory.Span);
        const X509ChainStatusFlags untrusted = X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain
            | X509ChainStatusFlags.NotSignatureValid | X509ChainStatusFlags.ExplicitDistrust | X509ChainStatusFlags.Cyclic
            | X509ChainStatusFlags.InvalidBasicConstraints;
        var flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, status) => all | status.Status);
        if (!anchoredHere || (flags & untrusted) != 0) return ValidationFailures.NotIssuedByThisCa;
        if (built) return null;

        if ((flags & X509ChainStatusFlags.NotTimeValid) != 0)
        {
            if (now.UtcDateTime < certificate.NotBefore.ToUniversalTime()) return ValidationFailures.NotYetValid;
            if (now.UtcDateTime > certificate.NotAfter.ToUniversalTime()) return ValidationFailures.Expired;
            return ValidationFailures.CaExpired;
        }
        return $"chain invalid ({flags})";
    }

    private static bool HasUsage(X509Certificate2 certificate, string oid) =>
        certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>()
            .Any(extension => extension.EnhancedKeyUsages.Cast<Oid>().Any(usage => usage.Value == oid));

    private static bool IsCa(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(extension => extension.CertificateAuthority);
}
