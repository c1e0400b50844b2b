namespace SecureMonitor.Pki;

/// <summary>
/// The three JSON files an operation reads and rewrites together: issued.json, revoked.json and
/// keyring.json. Saved revocations first, then keys, then the index, so that a crash part-way leaves
/// things revoked rather than a replaced certificate still trusted.
/// </summary>
internal sealed record PkiRecords(IReadOnlyList<IssuedCertificate> Issued, RevocationList Revocations, Keyring Keyring)
{
    public static PkiRecords Empty { get; } = new([], RevocationList.Empty, Keyring.Empty);

    public static PkiRecords Load(PkiPaths paths) =>
        new(IssuedIndexFile.Load(paths.IssuedIndex), RevocationListFile.Load(paths.RevocationList), KeyringFile.Load(paths.Keyring));

    public void Save(PkiPaths paths)
    {
        RevocationListFile.Save(paths.RevocationList, Revocations);
        KeyringFile.Save(paths.Keyring, Keyring);
        IssuedIndexFile.Save(paths.IssuedIndex, Issued);
    }

    /// <summary>Certificates not yet revoked whose subject is <paramref name="name"/> (host id for watchers).</summary>
    public IReadOnlyList<IssuedCertificate> LiveCertificatesOf(string name, Func<CertificateRole, bool> roleFilter) =>
        Issued.Where(entry => roleFilter(entry.Role) && (entry.HostId ?? entry.Name) == name && !Revocations.IsRevoked(entry.Serial)).ToList();

    public PkiRecords WithIssued(CertificateIdentity identity, DateTimeOffset now) =>
        this with { Issued = [.. Issued, new IssuedCertificate(identity.Serial, identity.Role, identity.Name, identity.HostId, identity.NotAfter, now)] };

    public PkiRecords WithRevoked(IEnumerable<IssuedCertificate> certificates, DateTimeOffset now, string reason, out IReadOnlyList<RevokedCertificate> revoked)
    {
        var entries = certificates.Select(entry => new RevokedCertificate(entry.Serial, entry.Name, entry.Role, now, reason)).ToList();
        revoked = entries;
        return this with { Revocations = entries.Aggregate(Revocations, (list, entry) => list.With(entry)) };
    }
}
