using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace SecureMonitor.Pki;

/// <summary>
/// Used by the monitor's TLS listener to decide whether a watcher or operator may connect, and as whom.
/// Accepts only certificates signed by the project CA, unexpired, not revoked, with EKU clientAuth and
/// a client role (watcher, admin, viewer). What the identity may then do is the caller's decision:
/// a watcher speaks only for <see cref="CertificateIdentity.HostId"/>; admin commands need
/// <see cref="CertificateRole.Admin"/>.
/// </summary>
public sealed class ClientCertificateValidator
{
    private readonly CaChainVerifier verifier;

    /// <param name="revocations">Usually the monitor's <see cref="FileKeyring"/>, so revocations apply without a restart.</param>
    public ClientCertificateValidator(X509Certificate2 caCertificate, IRevocationList revocations) =>
        verifier = new CaChainVerifier(caCertificate, revocations);

    /// <summary>For <see cref="SslServerAuthenticationOptions.CertificateChainPolicy"/>: the TLS layer's own chain
    /// check (whose verdict <see cref="ToCallback"/> ignores) then trusts the project CA alone instead of
    /// searching the system store, which costs more than the rest of the certificate work of a handshake.</summary>
    public X509ChainPolicy TlsChainPolicy() => verifier.Policy();

    /// <param name="chainFromTls">Ignored on purpose: the chain is rebuilt against the project CA only.</param>
    public ValidationResult Validate(X509Certificate2? certificate, X509Chain? chainFromTls, DateTimeOffset now)
    {
        if (certificate is null) return ValidationResult.Failure(ValidationFailures.NoClientCertificate);
        var result = verifier.Verify(certificate, now, CertificateAuthority.ClientAuthOid, ValidationFailures.NotAClientCertificate);
        if (result.Ok && !result.Identity.Role.IsClientRole()) return ValidationResult.Failure(ValidationFailures.NotAClientCertificate);
        return result;
    }

    /// <summary>
    /// For <see cref="SslServerAuthenticationOptions.RemoteCertificateValidationCallback"/> (with
    /// <c>ClientCertificateRequired = true</c>). The platform's <see cref="SslPolicyErrors"/> are ignored:
    /// they judge against the system trust store, and this validator replaces that judgement.
    /// <paramref name="onRejected"/> receives each failure (to count and log it).
    /// </summary>
    public RemoteCertificateValidationCallback ToCallback(TimeProvider timeProvider, Action<ValidationResult>? onRejected = null) =>
        (_, certificate, chain, _) =>
        {
            var result = Validate(PeerCertificates.AsCertificate2(certificate), chain, timeProvider.GetUtcNow());
            if (!result.Ok) onRejected?.Invoke(result);
            return result.Ok;
        };
}
