using System.Collections.Immutable;

namespace SecureMonitor.Pki;

/// <summary>An immutable snapshot of revoked.json.</summary>
public sealed class RevocationList : IRevocationList
{
    private readonly ImmutableDictionary<string, RevokedCertificate> bySerial;

    private RevocationList(ImmutableList<RevokedCertificate> entries)
    {
        Entries = entries;
        bySerial = entries.ToImmutableDictionary(entry => entry.Serial, StringComparer.OrdinalIgnoreCase);
    }

    public static RevocationList Empty { get; } = new(ImmutableList<RevokedCertificate>.Empty);

    public IReadOnlyList<RevokedCertificate> Entries { get; }

    public bool IsRevoked(string serialNumber) => bySerial.ContainsKey(serialNumber);

    /// <summary>Adds the entry unless its serial is already revoked (the first reason stands).</summary>
    public RevocationList With(RevokedCertificate entry) =>
        IsRevoked(entry.Serial) ? this : new(((ImmutableList<RevokedCertificate>)Entries).Add(entry));

    internal static RevocationList From(IEnumerable<RevokedCertificate> entries) =>
        entries.Aggregate(Empty, (list, entry) => list.With(entry));
}
