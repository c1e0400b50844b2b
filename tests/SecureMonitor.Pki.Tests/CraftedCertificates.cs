using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecureMonitor.Pki.Tests;

/// <summary>Certificates the PKI would never issue, signed by a fixture's CA, to test the validators' refusals.</summary>
internal static class CraftedCertificates
{
    public static X509Certificate2 SignedBy(PkiFixture fixture, string commonName, string usageOid, params string[] uris)
    {
        using var ca = X509Certificate2.CreateFromPemFile(fixture.Paths.CaCertificate, fixture.Paths.CaKey);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usageOid)], false));
        if (uris.Length > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var uri in uris) san.AddUri(new Uri(uri));
            request.CertificateExtensions.Add(san.Build());
        }
        var now = fixture.Clock.GetUtcNow();
        using var certificate = request.Create(ca, now.AddMinutes(-5), now.AddYears(1), [0x42, 1, 2, 3, 4, 5, 6, 7]);
        return certificate.CopyWithPrivateKey(key);
    }
}
