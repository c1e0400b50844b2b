using System.Security.Cryptography.X509Certificates;

namespace SecureMonitor.Pki;

/// <summary>
/// What a watcher or an operator needs to connect, as one folder handed over as a whole:
/// <c>certificate.pem</c>, <c>private-key.pem</c> (0600), <c>ca.pem</c> and, for watchers,
/// <c>psk.json</c> (0600). <see cref="Load"/> refuses an incomplete or inconsistent bundle and names the file.
/// </summary>
public sealed class IdentityBundle : IDisposable
{
    public const string CertificateFileName = "certificate.pem";
    public const string PrivateKeyFileName = "private-key.pem";
    public const string CaFileName = "ca.pem";
    public const string PskFileName = "psk.json";

    private IdentityBundle(string directory, X509Certificate2 certificate, X509Certificate2 caCertificate, CertificateIdentity identity, PreSharedKey? psk)
    {
        Directory = directory;
        Certificate = certificate;
        CaCertificate = caCertificate;
        Identity = identity;
        Psk = psk;
    }

    public string Directory { get; }

    /// <summary>The client certificate with its private key, for <c>SslClientAuthenticationOptions.ClientCertificates</c>.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The project CA: the only issuer the client trusts for the monitor (<see cref="ServerCertificateValidator"/>).</summary>
    public X509Certificate2 CaCertificate { get; }

    public CertificateIdentity Identity { get; }

    /// <summary>Watchers only.</summary>
    public PreSharedKey? Psk { get; }

    /// <exception cref="PkiException">A file is missing, unreadable, malformed, or does not belong with the others.</exception>
    public static IdentityBundle Load(string directory)
    {
        directory = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(directory))
            throw new PkiException($"Identity bundle {directory} does not exist.");
        string PathOf(string name) => Path.Combine(directory, name);
        var missing = new[] { CertificateFileName, PrivateKeyFileName, CaFileName }.Where(name => !File.Exists(PathOf(name))).ToList();
        if (missing.Count > 0)
            throw new PkiException($"Identity bundle {directory} is incomplete: missing {string.Join(", ", missing)}.");

        var certificate = PemFiles.ReadCertificateWithKey(PathOf(CertificateFileName), PathOf(PrivateKeyFileName));
        X509Certificate2? caCertificate = null;
        try
        {
            caCertificate = PemFiles.ReadCertificate(PathOf(CaFileName));
            if (!IsIssuedBy(certificate, caCertificate))
                throw new PkiException($"{PathOf(CertificateFileName)} was not issued by {PathOf(CaFileName)}.");
            if (!CertificateIdentity.TryFromCertificate(certificate, out var identity, out var reason))
                throw new PkiException($"{PathOf(CertificateFileName)} has no usable identity: {reason}.");

            PreSharedKey? psk = null;
            if (identity.Role == CertificateRole.Watcher)
            {
                if (!File.Exists(PathOf(PskFileName)))
                    throw new PkiException($"Identity bundle {directory} is incomplete: missing {PskFileName}.");
                psk = PskFile.Load(PathOf(PskFileName));
                if (psk.HostId != identity.HostId)
                    throw new PkiException($"{PathOf(PskFileName)} is for host '{psk.HostId}' but the certificate is for '{identity.HostId}'.");
            }
            return new IdentityBundle(directory, certificate, caCertificate, identity, psk);
        }
        catch
        {
            certificate.Dispose();
            caCertificate?.Dispose();
            throw;
        }
    }

    internal static void Write(string directory, X509Certificate2 certificateWithKey, X509Certificate2 caCertificate, PreSharedKey? psk)
    {
        PrivateFiles.CreateDirectory(directory);
        PemFiles.WritePrivateKey(Path.Combine(directory, PrivateKeyFileName), certificateWithKey);
        PemFiles.WriteCertificate(Path.Combine(directory, CertificateFileName), certificateWithKey);
        PemFiles.WriteCertificate(Path.Combine(directory, CaFileName), caCertificate);
        if (psk is not null) PskFile.Save(Path.Combine(directory, PskFileName), psk);
    }

    internal static void WritePsk(string directory, PreSharedKey psk) => PskFile.Save(Path.Combine(directory, PskFileName), psk);

    /// <summary>Signature check only; dates are for the connection-time validators.</summary>
    private static bool IsIssuedBy(X509Certificate2 certificate, X509Certificate2 caCertificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            CustomTrustStore = { caCertificate },
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
            VerificationTimeIgnored = true,
        };
        return chain.Build(certificate);
    }

    public override string ToString() => $"IdentityBundle {{ {Identity.Role} {Identity.Name} at {Directory} }}";

    public void Dispose()
    {
        Certificate.Dispose();
        CaCertificate.Dispose();
    }
}
