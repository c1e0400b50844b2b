using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecureMonitor.Pki;

/// <summary>
/// The project CA and the certificate profiles it issues. Every key is ECDSA P-256: on this
/// machine a mutual TLS 1.3 handshake with P-256 measured ~10 % faster than with RSA-2048
/// (ARCHITECTURE.md, "Limits measured"), which matters when thousands of watchers reconnect at once,
/// and the keys and certificates are a fraction of the size.
/// </summary>
internal sealed class CertificateAuthority : IDisposable
{
    // EKU OIDs from RFC 5280 4.2.1.12.
    internal const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    internal const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    private readonly PkiOptions options;

    private CertificateAuthority(X509Certificate2 certificate, PkiOptions options)
    {
        Certificate = certificate;
        this.options = options;
    }

    /// <summary>The CA certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    public static ECDsa NewKey() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public static CertificateAuthority Create(string caName, DateTimeOffset now, PkiOptions options)
    {
        using var key = NewKey();
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName($"SecureMonitor CA ({caName})");
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        // pathlen 0: this CA signs leaf certificates only, never another CA.
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var certificate = request.CreateSelfSigned(now - options.BackdateForClockSkew, now + options.CaValidity);
        return new CertificateAuthority(certificate, options);
    }

    public static CertificateAuthority FromCertificate(X509Certificate2 certificateWithKey, PkiOptions options) =>
        certificateWithKey.HasPrivateKey
            ? new CertificateAuthority(certificateWithKey, options)
            : throw new ArgumentException("The CA certificate has no private key.", nameof(certificateWithKey));

    public X509Certificate2 IssueMonitor(string nodeName, MonitorNames names, DateTimeOffset now)
    {
        var san = new SubjectAlternativeNameBuilder();
        foreach (var dns in names.DnsNames) san.AddDnsName(dns);
        foreach (var ip in names.IpAddresses) san.AddIpAddress(ip);
        san.AddUri(RoleUris.ForRole(CertificateRole.Monitor));
        return Issue(CertificateRole.Monitor, nodeName, san, now);
    }

    /// <summary>Watcher (needs <paramref name="hostId"/>, which is also the CN), admin or viewer.</summary>
    public X509Certificate2 IssueClient(CertificateRole role, string name, DateTimeOffset now)
    {
        if (!role.IsClientRole())
            throw new ArgumentException("Use IssueMonitor for the monitor role.", nameof(role));
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(RoleUris.ForRole(role));
        if (role == CertificateRole.Watcher) san.AddUri(RoleUris.ForHost(name));
        return Issue(role, name, san, now);
    }

    private X509Certificate2 Issue(CertificateRole role, string name, SubjectAlternativeNameBuilder san, DateTimeOffset now)
    {
        using var key = NewKey();
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(name);
        subject.AddOrganizationalUnitName(role.ToWireName());
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(Usages(role), critical: false));
        request.CertificateExtensions.Add(san.Build(critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(
            Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));

        var notAfter = now + options.LeafValidity;
        var caNotAfter = new DateTimeOffset(Certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        if (notAfter > caNotAfter) notAfter = caNotAfter;
        using var issued = request.Create(Certificate, now - options.BackdateForClockSkew, notAfter, SerialNumbers.NewSerial());
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>
    /// Client roles get clientAuth only, so a stolen watcher or admin key cannot impersonate a monitor.
    /// A monitor gets both: cluster nodes talk over mutual TLS and present one certificate as server and
    /// as client. That clientAuth does not make it a client of the edge: the client validator also
    /// requires a client role URI.
    /// </summary>
    private static OidCollection Usages(CertificateRole role) => role.IsClientRole()
        ? [new Oid(ClientAuthOid)]
        : [new Oid(ServerAuthOid), new Oid(ClientAuthOid)];

    public void Dispose() => Certificate.Dispose();
}
