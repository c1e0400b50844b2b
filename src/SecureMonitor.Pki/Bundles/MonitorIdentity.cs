using System.Security.Cryptography.X509Certificates;

namespace SecureMonitor.Pki;

/// <summary>
/// What a monitor node loads from the PKI directory to serve TLS: its certificate with the private
/// key, and the CA certificate clients must chain to. The CA's private key is never read.
/// </summary>
public sealed class MonitorIdentity : IDisposable
{
    private MonitorIdentity(X509Certificate2 certificate, X509Certificate2 caCertificate, CertificateIdentity identity)
    {
        Certificate = certificate;
        CaCertificate = caCertificate;
        Identity = identity;
    }

    public X509Certificate2 Certificate { get; }
    public X509Certificate2 CaCertificate { get; }
    public CertificateIdentity Identity { get; }

    public static MonitorIdentity Load(PkiPaths paths)
    {
        var ca = PemFiles.ReadCertificate(paths.CaCertificate);
        var certificate = PemFiles.ReadCertificateWithKey(paths.MonitorCertificate, paths.MonitorKey);
        var identity = CertificateIdentity.FromCertificate(certificate);
        if (identity.Role != CertificateRole.Monitor)
        {
            throw new PkiException($"{paths.MonitorCertificate} is a {identity.Role} certificate, not a monitor certificate.");
        }
        return new MonitorIdentity(certificate, ca, identity);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        CaCertificate.Dispose();
    }
}
