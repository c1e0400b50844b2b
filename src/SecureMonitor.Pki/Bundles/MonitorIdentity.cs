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

    /// <summary>
    /// Loads the node's certificate and key: from <paramref name="identityDirectory"/> (a
    /// <c>monitors/&lt;node&gt;/</c> folder made by <c>pki add-monitor</c>) when given, else the PKI
    /// directory's own monitor pair. The CA is always the PKI directory's, the one the key ring and
    /// revocation list belong to; a node identity from another CA is refused.
    /// </summary>
    /// <param name="identityDirectory">Null or empty: the PKI directory's monitor certificate.</param>
    public static MonitorIdentity Load(PkiPaths paths, string? identityDirectory = null)
    {
        if (string.IsNullOrEmpty(identityDirectory))
        {
            var ca = PemFiles.ReadCertificate(paths.CaCertificate);
            var certificate = PemFiles.ReadCertificateWithKey(paths.MonitorCertificate, paths.MonitorKey);
            return Checked(certificate, ca, paths.MonitorCertificate);
        }

        var directory = Path.GetFullPath(identityDirectory);
        // Not disposed as a whole: its certificate becomes the node's, its CA copy is only compared.
        var bundle = IdentityBundle.Load(directory);
        X509Certificate2 pkiCa;
        try
        {
            pkiCa = PemFiles.ReadCertificate(paths.CaCertificate);
        }
        catch
        {
            bundle.Dispose();
            throw;
        }
        // The bundle proved its certificate chains to its own ca.pem; that must be the CA this node trusts.
        var sameCa = bundle.CaCertificate.RawDataMemory.Span.SequenceEqual(pkiCa.RawDataMemory.Span);
        bundle.CaCertificate.Dispose();
        if (!sameCa)
        {
            bundle.Certificate.Dispose();
            pkiCa.Dispose();
            throw new PkiException($"{Path.Combine(directory, IdentityBundle.CaFileName)} is not the CA of the PKI directory ({paths.CaCertificate}).");
        }
        return Checked(bundle.Certificate, pkiCa, Path.Combine(directory, IdentityBundle.CertificateFileName));
    }

    private static MonitorIdentity Checked(X509Certificate2 certificate, X509Certificate2 ca, string certificateFile)
    {
        try
        {
            var identity = CertificateIdentity.FromCertificate(certificate);
            if (identity.Role != CertificateRole.Monitor)
            {
                throw new PkiException($"{certificateFile} is a {identity.Role.ToWireName()} certificate, not a monitor certificate.");
            }
            return new MonitorIdentity(certificate, ca, identity);
        }
        catch
        {
            certificate.Dispose();
            ca.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Certificate.Dispose();
        CaCertificate.Dispose();
    }
}
