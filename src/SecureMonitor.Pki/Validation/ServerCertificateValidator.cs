using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace SecureMonitor.Pki;

/// <summary>
/// Used by watchers and the admin console to check the monitor they connect to: signed by the project
/// CA, unexpired, not revoked, EKU serverAuth, role monitor, and (when an expected name is given)
/// a DNS or IP SAN equal to the name dialled. Trusting only the project CA means a certificate from a
/// public CA for the same name is refused.
/// </summary>
public sealed class ServerCertificateValidator
{
    private readonly CaChainVerifier verifier;

    /// <param name="revocations">Clients usually have none (<see cref="RevocationList.Empty"/>): the monitor cert is replaced, not revoked.</param>
    public ServerCertificateValidator(X509Certificate2 caCertificate, IRevocationList? revocations = null) =>
        verifier = new CaChainVerifier(caCertificate, revocations ?? RevocationList.Empty);

    /// <summary>For <see cref="SslClientAuthenticationOptions.CertificateChainPolicy"/>: the TLS layer's own chain
    /// check (whose verdict <see cref="ToCallback"/> ignores) trusts the project CA alone instead of searching
    /// the system store.</summary>
    public X509ChainPolicy TlsChainPolicy() => verifier.Policy();

    /// <param name="chainFromTls">Ignored on purpose: the chain is rebuilt against the project CA only.</param>
    /// <param name="expectedName">The host name or IP address the client dialled; null skips the name check.</param>
    public ValidationResult Validate(X509Certificate2? certificate, X509Chain? chainFromTls, DateTimeOffset now, string? expectedName = null)
    {
        if (certificate is null) return ValidationResult.Failure(ValidationFailures.NoServerCertificate);
        var result = verifier.Verify(certificate, now, CertificateAuthority.ServerAuthOid, ValidationFailures.NotAServerCertificate);
        if (!result.Ok) return result;
        if (result.Identity.Role != CertificateRole.Monitor) return ValidationResult.Failure(ValidationFailures.NotAMonitor);
        if (expectedName is not null && !NameMatches(certificate, expectedName)) return ValidationResult.Failure(ValidationFailures.NameMismatch);
        return result;
    }

    /// <summary>
    /// For <see cref="SslClientAuthenticationOptions.RemoteCertificateValidationCallback"/>. The name is
    /// checked here against the SANs (exact match, no wildcards) instead of by the platform.
    /// </summary>
    public RemoteCertificateValidationCallback ToCallback(TimeProvider timeProvider, string expectedName, Action<ValidationResult>? onRejected = null) =>
        (_, certificate, chain, _) =>
        {
            var result = Validate(PeerCertificates.AsCertificate2(certificate), chain, timeProvider.GetUtcNow(), expectedName);
            if (!result.Ok) onRejected?.Invoke(result);
            return result.Ok;
        };

    private static bool NameMatches(X509Certificate2 certificate, string expectedName)
    {
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (san is null) return false;
        if (IPAddress.TryParse(expectedName, out var ip)) return san.EnumerateIPAddresses().Contains(ip);
        var dnsName = expectedName.TrimEnd('.');
        return san.EnumerateDnsNames().Any(name => string.Equals(name, dnsName, StringComparison.OrdinalIgnoreCase));
    }
}
