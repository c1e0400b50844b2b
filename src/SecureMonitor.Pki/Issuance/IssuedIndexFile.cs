namespace SecureMonitor.Pki;

/// <summary>issued.json: <c>{ "version": 1, "certificates": [ { serial, role, name, hostId, notAfter, issuedAt } ] }</c>.</summary>
internal static class IssuedIndexFile
{
    private const int CurrentVersion = 1;

    public static IReadOnlyList<IssuedCertificate> Load(string path)
    {
        var document = StrictJson.Read<IssuedIndexDocument>(path);
        if (document.Version != CurrentVersion)
            throw new PkiException($"{path}: unsupported version {document.Version} (expected {CurrentVersion}).");
        foreach (var entry in document.Certificates)
        {
            if (!RevocationListFile.SerialPattern().IsMatch(entry.Serial))
                throw new PkiException($"{path}: '{IdentityName.Printable(entry.Serial)}' is not a hexadecimal serial number.");
            if (!IdentityName.IsValid(entry.Name))
                throw new PkiException($"{path}: certificate {entry.Serial}: '{IdentityName.Printable(entry.Name)}' is not a valid name.");
            if ((entry.Role == CertificateRole.Watcher) != (entry.HostId is not null))
                throw new PkiException($"{path}: certificate {entry.Serial}: hostId must be set for watchers and only for them.");
        }
        return document.Certificates;
    }

    public static void Save(string path, IEnumerable<IssuedCertificate> certificates) =>
        StrictJson.Write(path, new IssuedIndexDocument(CurrentVersion, [.. certificates]));
}

internal sealed record IssuedIndexDocument(int Version, List<IssuedCertificate> Certificates);
