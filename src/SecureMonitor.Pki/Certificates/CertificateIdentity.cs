using System.Diagnostics.CodeAnalysis;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecureMonitor.Pki;

/// <summary>
/// Who a certificate speaks for, read from its signed contents: the role URI, the host URI (watchers)
/// and the CN. This does not check the signature, dates or revocation: the validators do that first.
/// </summary>
/// <param name="Name">CN: the host id (watcher), the admin's name (admin/viewer) or the node name (monitor).</param>
/// <param name="HostId">Watchers only: the host this certificate may speak for.</param>
/// <param name="Serial">Upper-case hex, as <see cref="X509Certificate2.SerialNumber"/> gives it.</param>
/// <param name="Thumbprint">SHA-256 of the certificate, upper-case hex.</param>
public sealed record CertificateIdentity(
    CertificateRole Role,
    string Name,
    string? HostId,
    string Serial,
    string Thumbprint,
    DateTimeOffset NotAfter)
{
    public static CertificateIdentity FromCertificate(X509Certificate2 certificate) =>
        TryFromCertificate(certificate, out var identity, out var reason)
            ? identity
            : throw new PkiException($"Certificate {certificate.SerialNumber} has no usable identity: {reason}.");

    /// <summary>Reads the identity; <paramref name="failureReason"/> says why not (e.g. "no role").</summary>
    public static bool TryFromCertificate(
        X509Certificate2 certificate,
        [NotNullWhen(true)] out CertificateIdentity? identity,
        [NotNullWhen(false)] out string? failureReason)
    {
        identity = null;
        IReadOnlyList<string> uris;
        try
        {
            uris = SubjectAlternativeNames.ReadUris(certificate);
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException)
        {
            failureReason = "malformed subject alternative name";
            return false;
        }

        var roleValues = ValuesWithPrefix(uris, RoleUris.RolePrefix);
        var hostValues = ValuesWithPrefix(uris, RoleUris.HostPrefix);
        if (roleValues.Count == 0) { failureReason = "no role"; return false; }
        // Two role URIs, even equal ones, mean someone built this certificate by hand: refuse to pick.
        if (roleValues.Count > 1) { failureReason = "ambiguous role"; return false; }
        if (!CertificateRoleExtensions.TryParseWireName(roleValues[0], out var role))
        {
            failureReason = $"unknown role '{IdentityName.Printable(roleValues[0])}'";
            return false;
        }

        var name = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        if (!IdentityName.IsValid(name)) { failureReason = "invalid common name"; return false; }

        string? hostId = null;
        if (role == CertificateRole.Watcher)
        {
            if (hostValues.Count != 1) { failureReason = hostValues.Count == 0 ? "no host id" : "ambiguous host id"; return false; }
            hostId = hostValues[0];
            // The CN is for humans, the URI for machines; a disagreement means a forged or broken certificate.
            if (!IdentityName.IsValid(hostId) || hostId != name) { failureReason = "host id does not match common name"; return false; }
        }
        else if (hostValues.Count != 0)
        {
            failureReason = "host id on a non-watcher certificate";
            return false;
        }

        identity = new CertificateIdentity(
            role,
            name,
            hostId,
            certificate.SerialNumber,
            certificate.GetCertHashString(HashAlgorithmName.SHA256),
            new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero));
        failureReason = null;
        return true;
    }

    private static List<string> ValuesWithPrefix(IEnumerable<string> uris, string prefix) =>
        uris.Where(uri => uri.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(uri => uri[prefix.Length..])
            .ToList();
}
