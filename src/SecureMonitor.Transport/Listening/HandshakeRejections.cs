using System.Security.Cryptography.X509Certificates;
using SecureMonitor.Pki;
using SecureMonitor.Protocol;

namespace SecureMonitor.Transport.Listening;

/// <summary>Turns a refused handshake into the counted rejection reason and, where the certificate can
/// be trusted to name one, the host it claimed to be.</summary>
internal static class HandshakeRejections
{
    /// <summary>The first byte of every TLS handshake record (content type 22); anything else is not TLS.</summary>
    public const byte HandshakeRecord = 0x16;

    public static RejectionReason ReasonFor(ValidationResult refused) => refused.FailureReason switch
    {
        ValidationFailures.NoClientCertificate => RejectionReason.NoClientCertificate,
        ValidationFailures.NotIssuedByThisCa => RejectionReason.ForeignCa,
        ValidationFailures.Expired or ValidationFailures.CaExpired => RejectionReason.CertificateExpired,
        ValidationFailures.NotYetValid => RejectionReason.CertificateNotYetValid,
        ValidationFailures.Revoked => RejectionReason.Revoked,
        ValidationFailures.NoRole or ValidationFailures.NotAClientCertificate => RejectionReason.WrongRole,
        _ => RejectionReason.HandshakeFailed,
    };

    /// <summary>Whether a refusal for <paramref name="reason"/> may be counted against the host the
    /// certificate names: only when our CA's signature on it held (revoked, or out of its validity
    /// period). A certificate from another CA never speaks for anyone, not even for counting.</summary>
    public static bool NamesItsHost(RejectionReason reason) =>
        reason is RejectionReason.Revoked or RejectionReason.CertificateExpired or RejectionReason.CertificateNotYetValid;

    /// <summary>
    /// Why a handshake failed before any certificate was judged. OpenSSL's reason strings (stable across
    /// versions) tell a peer that offers no TLS 1.3 or not our application protocol apart from one that
    /// just went away.
    /// </summary>
    public static RejectionReason ReasonFor(Exception error)
    {
        for (var inner = error; inner is not null; inner = inner.InnerException)
        {
            var message = inner.Message;
            if (message.Contains("unsupported protocol", StringComparison.OrdinalIgnoreCase)
                || message.Contains("wrong version number", StringComparison.OrdinalIgnoreCase)
                || message.Contains("version too low", StringComparison.OrdinalIgnoreCase)
                || message.Contains("no application protocol", StringComparison.OrdinalIgnoreCase)
                || message.Contains("no shared cipher", StringComparison.OrdinalIgnoreCase))
            {
                return RejectionReason.ProtocolMismatch;
            }
        }
        return RejectionReason.HandshakeFailed;
    }

    /// <summary>The most specific message in an exception chain (OpenSSL's reason is the innermost).</summary>
    public static string Describe(Exception error)
    {
        var innermost = error;
        while (innermost.InnerException is { } inner && !string.IsNullOrWhiteSpace(inner.Message))
        {
            innermost = inner;
        }
        return innermost.Message;
    }

    /// <summary>The host a refused certificate claims, for counting; null when it names none. Only
    /// used for reporting: a refused certificate never speaks for anyone.</summary>
    public static string? ClaimedHost(X509Certificate2? certificate) =>
        certificate is not null && CertificateIdentity.TryFromCertificate(certificate, out var claimed, out _)
            ? claimed.HostId
            : null;
}
