using System.Security.Cryptography.X509Certificates;

namespace SecureMonitor.Pki;

internal static class PeerCertificates
{
    /// <summary>TLS callbacks hand over an <see cref="X509Certificate"/>; in practice it is already an X509Certificate2.</summary>
    public static X509Certificate2? AsCertificate2(X509Certificate? certificate) => certificate switch
    {
        null => null,
        X509Certificate2 certificate2 => certificate2,
        _ => X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()),
    };
}
