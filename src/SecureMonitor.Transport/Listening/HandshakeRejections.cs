using System.Security.Cryptography.X509Certificates;
using SecureMonitor.Pki;
using SecureMonitor.Protocol;

namespace SecureMonitor.Transport.Listening;

/// <summary>Turns a refused client certificate into the counted rejection reason and, where the
/// certificate names one, the host it claimed to be.</summary>
internal static class HandshakeRejections
{
    public static RejectionReason ReasonFor(ValidationResult refused) => refused.FailureReason switch
    {
        ValidationFailures.Revoked => RejectionReason.Revoked,
        ValidationFailures.NoRole or ValidationFailures.NotAClientCertificate => RejectionReason.WrongRole,
        _ => RejectionReason.HandshakeFailed,
    };

    /// <summary>The host a refused certificate claims, for counting; null when it names none. Only
    /// used for reporting: a refused certificate never speaks for anyone.</summary>
    public static string? ClaimedHost(X509Certificate2? certificate) =>
        certificate is not null && CertificateIdentity.TryFromCertificate(certificate, out var claimed, out _)
            ? claimed.HostId
            : null;
}
