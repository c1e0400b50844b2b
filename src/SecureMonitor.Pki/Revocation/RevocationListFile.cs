using System.Text.RegularExpressions;

namespace SecureMonitor.Pki;

/// <summary>revoked.json: <c>{ "version": 1, "certificates": [ { serial, subject, role, revokedAt, reason } ] }</c>.</summary>
internal static partial class RevocationListFile
{
    private const int CurrentVersion = 1;

    public static RevocationList Load(string path)
    {
        var document = StrictJson.Read<RevocationListDocument>(path);
        if (document.Version != CurrentVersion)
            throw new PkiException($"{path}: unsupported version {document.Version} (expected {CurrentVersion}).");
        foreach (var entry in document.Certificates)
        {
            if (!SerialPattern().IsMatch(entry.Serial))
                throw new PkiException($"{path}: '{IdentityName.Printable(entry.Serial)}' is not a hexadecimal serial number.");
        }
        return RevocationList.From(document.Certificates);
    }

    public static void Save(string path, RevocationList list) =>
        StrictJson.Write(path, new RevocationListDocument(CurrentVersion, [.. list.Entries]));

    [GeneratedRegex(@"^[0-9A-Fa-f]{2,40}\z")]
    internal static partial Regex SerialPattern();
}

internal sealed record RevocationListDocument(int Version, List<RevokedCertificate> Certificates);
