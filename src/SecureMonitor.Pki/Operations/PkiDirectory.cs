using System.Security.Cryptography.X509Certificates;

namespace SecureMonitor.Pki;

/// <summary>
/// The operations behind <c>securemonitor pki ...</c>, on one PKI directory (layout: <see cref="PkiPaths"/>).
/// Each call loads what it needs, checks, and writes every changed file atomically. Not safe for two
/// concurrent operations on the same directory: the operator runs one command at a time.
/// </summary>
public sealed class PkiDirectory
{
    public const string DefaultAdminName = "admin";
    public const string DefaultMonitorNodeName = "monitor";
    // "SecureMonitor CA (<name>)" must fit the 64 characters RFC 5280 allows a common name.
    private const int MaxCaNameLength = 45;

    private readonly TimeProvider timeProvider;
    private readonly PkiOptions options;

    public PkiDirectory(string root, TimeProvider? timeProvider = null, PkiOptions? options = null)
    {
        Paths = new PkiPaths(root);
        this.timeProvider = timeProvider ?? TimeProvider.System;
        this.options = options ?? PkiOptions.Default;
    }

    public PkiPaths Paths { get; }

    /// <summary>Creates the CA, the monitor certificate and the first admin bundle (admins/admin/).</summary>
    /// <param name="monitorNames">DNS names and IP addresses for the monitor certificate; none means localhost and 127.0.0.1.</param>
    /// <exception cref="PkiException">A CA already exists here: a CA is never overwritten.</exception>
    public InitResult Init(string caName, IEnumerable<string> monitorNames, string monitorNodeName = DefaultMonitorNodeName)
    {
        caName = ValidateCaName(caName);
        var names = MonitorNames.Parse(monitorNames);
        var nodeName = IdentityName.Normalize(monitorNodeName, "monitor node name");
        if (File.Exists(Paths.CaKey) || File.Exists(Paths.CaCertificate))
            throw new PkiException($"A CA already exists in {Paths.Root}; refusing to overwrite it. Use another directory, or delete this one if you really mean to start over.");

        var now = timeProvider.GetUtcNow();
        PrivateFiles.CreateDirectory(Paths.Root);
        using var ca = CertificateAuthority.Create(caName, now, options);
        try
        {
            // The key first, refusing to replace an existing file: if two inits race, one loses here.
            PemFiles.WritePrivateKey(Paths.CaKey, ca.Certificate, overwrite: false);
        }
        catch (IOException e)
        {
            throw new PkiException($"A CA already exists in {Paths.Root}; refusing to overwrite it.", e);
        }
        PemFiles.WriteCertificate(Paths.CaCertificate, ca.Certificate);

        using var monitor = ca.IssueMonitor(nodeName, names, now);
        PemFiles.WritePrivateKey(Paths.MonitorKey, monitor);
        PemFiles.WriteCertificate(Paths.MonitorCertificate, monitor);
        var monitorIdentity = CertificateIdentity.FromCertificate(monitor);

        var admin = IssueAndSave(ca, PkiRecords.Empty.WithIssued(monitorIdentity, now), CertificateRole.Admin, DefaultAdminName, force: false, now);
        return new InitResult(Paths.Root, ca.Certificate.Subject, ToOffset(ca.Certificate.NotAfter), monitorIdentity, [.. names.All], admin);
    }

    /// <summary>Issues watchers/&lt;host&gt;/ with a certificate and a fresh 256-bit PSK, and adds the key to the keyring.</summary>
    /// <param name="force">Replace an existing watcher: its certificates are revoked and its keys withdrawn at once.</param>
    public IssueResult IssueWatcher(string hostId, bool force = false)
    {
        hostId = IdentityName.Normalize(hostId, "host id");
        using var ca = LoadAuthority();
        return IssueAndSave(ca, PkiRecords.Load(Paths), CertificateRole.Watcher, hostId, force, timeProvider.GetUtcNow());
    }

    /// <summary>
    /// Issues watcher bundles for many new hosts in one pass: the CA and the records are read once and
    /// written once. Issuing one at a time rewrites the whole records file per host, which is quadratic
    /// for a fleet of thousands (the scaling benchmark issues 10,000). Nothing is written when a host
    /// already has a watcher certificate or a name is invalid.
    /// </summary>
    public IReadOnlyList<IssueResult> IssueWatchers(IReadOnlyList<string> hostIds)
    {
        ArgumentNullException.ThrowIfNull(hostIds);
        var names = hostIds.Select(hostId => IdentityName.Normalize(hostId, "host id")).ToList();
        using var ca = LoadAuthority();
        var records = PkiRecords.Load(Paths);
        var now = timeProvider.GetUtcNow();
        if (names.Distinct().Count() != names.Count)
            throw new PkiException("A host id is given twice.");
        var certificates = new List<X509Certificate2>(names.Count);
        var issued = new List<(IssueResult Result, PreSharedKey Psk)>(names.Count);
        try
        {
            foreach (var name in names)
            {
                if (records.LiveCertificatesOf(name, candidate => SameNamespace(candidate, CertificateRole.Watcher)).Count > 0)
                    throw new PkiException($"'{name}' already has a watcher certificate: issue it alone, with force, to replace it.");
                var certificate = ca.IssueClient(CertificateRole.Watcher, name, now);
                certificates.Add(certificate);
                var identity = CertificateIdentity.FromCertificate(certificate);
                records = records.WithIssued(identity, now);
                records = records with { Keyring = records.Keyring.WithNewKey(name, now, grace: null, out var key) };
                issued.Add((new IssueResult(identity, Paths.WatcherBundle(name), key.KeyId, []), new PreSharedKey(name, key.KeyId, key.KeyBytes)));
            }
            records.Save(Paths);
            for (var index = 0; index < issued.Count; index++)
            {
                IdentityBundle.Write(issued[index].Result.BundleDirectory, certificates[index], ca.Certificate, issued[index].Psk);
            }
            return [.. issued.Select(entry => entry.Result)];
        }
        finally
        {
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }
        }
    }

    /// <summary>Issues admins/&lt;name&gt;/ for an administrator, or a read-only viewer.</summary>
    public IssueResult IssueAdmin(string name, bool viewer = false, bool force = false)
    {
        name = IdentityName.Normalize(name, "admin name");
        using var ca = LoadAuthority();
        var role = viewer ? CertificateRole.Viewer : CertificateRole.Admin;
        return IssueAndSave(ca, PkiRecords.Load(Paths), role, name, force, timeProvider.GetUtcNow());
    }

    /// <summary>
    /// Issues monitors/&lt;node&gt;/: a monitor node's own certificate (serverAuth and clientAuth, for the
    /// edge and for node-to-node mutual TLS), its key and the CA certificate. Never replaces a node's
    /// identity: a node whose key leaked is revoked and given a new name.
    /// </summary>
    /// <param name="names">DNS names and IP addresses the node is dialled by; at least one.</param>
    public MonitorIssueResult AddMonitor(string nodeName, IEnumerable<string> names)
    {
        nodeName = IdentityName.Normalize(nodeName, "monitor node name");
        var given = names.ToList();
        // Unlike init, no default: localhost would make every node answer to the same name.
        if (given.Count == 0)
            throw new ArgumentException("A monitor node needs at least one DNS name or IP address (--name).", nameof(names));
        var parsed = MonitorNames.Parse(given);
        using var ca = LoadAuthority();
        var records = PkiRecords.Load(Paths);
        var existing = records.LiveCertificatesOf(nodeName, candidate => candidate == CertificateRole.Monitor);
        if (existing.Count > 0)
            throw new PkiException($"Monitor node '{nodeName}' already has a certificate (serial {existing[0].Serial}); refusing to overwrite it. " +
                "Choose another node name, or revoke this one first.");
        var bundle = Paths.MonitorBundle(nodeName);
        if (Directory.Exists(bundle))
            throw new PkiException($"{bundle} already exists; refusing to overwrite it. Remove it first if its certificate is revoked and no node uses it.");

        var issued = IssueAndSave(ca, records, CertificateRole.Monitor, nodeName, force: false, timeProvider.GetUtcNow(), parsed);
        return new MonitorIssueResult(issued, [.. parsed.All]);
    }

    /// <summary>Revokes the live certificates issued to a host or admin and, for a host, withdraws its keys.</summary>
    /// <param name="role">Needed only when a watcher and an admin share the name.</param>
    public RevokeResult Revoke(string name, CertificateRole? role = null, string reason = "revoked by operator")
    {
        name = IdentityName.Normalize(name, "name");
        var now = timeProvider.GetUtcNow();
        var records = PkiRecords.Load(Paths);
        var live = records.LiveCertificatesOf(name, candidate => role is null || SameNamespace(candidate, role.Value));
        var namespaces = live.Select(entry => Namespace(entry.Role)).Distinct().ToList();
        if (namespaces.Count > 1)
            throw new PkiException($"Both {string.Join(" and ", namespaces.Select(space => (space == "admin" ? "an " : "a ") + space))} are named '{name}'; say which role to revoke.");
        // A watcher's keys go with its certificate; keys alone (certificate already revoked) can be revoked too.
        var isHost = (role ?? (live.Count > 0 ? live[0].Role : CertificateRole.Watcher)) == CertificateRole.Watcher;
        var revokesHost = isHost && records.Keyring.KeysOf(name).Any(key => key.RevokedAt is null);
        if (live.Count == 0 && !revokesHost)
            throw new PkiException($"Nothing to revoke: no live certificate or key is issued to '{name}'.");

        records = records.WithRevoked(live, now, reason, out var revoked);
        IReadOnlyList<uint> revokedKeys = [];
        if (revokesHost) records = records with { Keyring = records.Keyring.WithHostRevoked(name, now, out revokedKeys) };
        records.Save(Paths);
        return new RevokeResult(name, revoked, revokedKeys);
    }

    /// <summary>
    /// Revokes the live watcher certificates and the keys of many hosts in one pass, reading and writing
    /// the records once (the batch counterpart of <see cref="IssueWatchers"/>). A host with nothing
    /// left to revoke is skipped, so a repeat is harmless.
    /// </summary>
    public void RevokeWatchers(IReadOnlyList<string> hostIds, string reason)
    {
        ArgumentNullException.ThrowIfNull(hostIds);
        var now = timeProvider.GetUtcNow();
        var records = PkiRecords.Load(Paths);
        foreach (var name in hostIds.Select(hostId => IdentityName.Normalize(hostId, "host id")))
        {
            records = records.WithRevoked(records.LiveCertificatesOf(name, candidate => SameNamespace(candidate, CertificateRole.Watcher)), now, reason, out _);
            if (records.Keyring.KeysOf(name).Any(key => key.RevokedAt is null))
            {
                records = records with { Keyring = records.Keyring.WithHostRevoked(name, now, out _) };
            }
        }
        records.Save(Paths);
    }

    /// <summary>
    /// Gives the host a new key id and PSK; the current key stays valid for <paramref name="grace"/> so
    /// messages sealed before the watcher switches still verify. Rewrites the bundle's psk.json.
    /// </summary>
    public RotateKeyResult RotateKey(string hostId, TimeSpan grace)
    {
        hostId = IdentityName.Normalize(hostId, "host id");
        ArgumentOutOfRangeException.ThrowIfLessThan(grace, TimeSpan.Zero);
        var now = timeProvider.GetUtcNow();
        if (grace > DateTimeOffset.MaxValue - now)
        {
            throw new PkiException($"A grace period of {grace.TotalDays:0} days would end after the year 9999.");
        }

        var records = PkiRecords.Load(Paths);
        var current = records.Keyring.CurrentKeyOf(hostId)
            ?? throw new PkiException(records.Keyring.Contains(hostId)
                ? $"Host '{hostId}' has no current key (it was revoked); issue it again with force."
                : $"Unknown host '{hostId}': issue a watcher certificate for it first.");

        var keyring = records.Keyring.WithNewKey(hostId, now, grace, out var added);
        var pskPath = Path.Combine(Paths.WatcherBundle(hostId), IdentityBundle.PskFileName);
        // Keyring first: the monitor must know the new key before any watcher can use it.
        (records with { Keyring = keyring }).Save(Paths);
        IdentityBundle.WritePsk(Paths.WatcherBundle(hostId), new PreSharedKey(hostId, added.KeyId, added.KeyBytes));
        return new RotateKeyResult(hostId, added.KeyId, current.KeyId, now + grace, pskPath);
    }

    /// <summary>The CA, every issued certificate, and each host's key ids with their state. Never key bytes.</summary>
    public PkiListing List()
    {
        var now = timeProvider.GetUtcNow();
        using var caCertificate = PemFiles.ReadCertificate(Paths.CaCertificate);
        var records = PkiRecords.Load(Paths);
        var certificates = records.Issued
            .Select(entry => new ListedCertificate(entry, records.Revocations.IsRevoked(entry.Serial), entry.NotAfter <= now))
            .ToList();
        var hosts = records.Keyring.HostIds
            .Select(hostId => new ListedHostKeys(hostId, [.. records.Keyring.KeysOf(hostId).Select(key => ListedKey.From(key, now))]))
            .ToList();
        return new PkiListing(caCertificate.Subject, ToOffset(caCertificate.NotAfter), certificates, hosts);
    }

    /// <summary>
    /// Issues a certificate, saves the records, then writes the bundle. Records first: a crash in
    /// between leaves an indexed certificate without a bundle (re-issue with force, or revoke, it), never
    /// a signed certificate nobody knows about and nobody can revoke by name.
    /// </summary>
    /// <param name="monitorNames">Monitor nodes only: the names the node is dialled by.</param>
    private IssueResult IssueAndSave(CertificateAuthority ca, PkiRecords records, CertificateRole role, string name, bool force, DateTimeOffset now,
        MonitorNames? monitorNames = null)
    {
        var existing = records.LiveCertificatesOf(name, candidate => SameNamespace(candidate, role));
        if (existing.Count > 0 && !force)
            throw new PkiException(
                $"'{name}' already has a {existing[0].Role.ToWireName()} certificate (serial {existing[0].Serial}). " +
                "Re-issue with force to replace it; the old certificate" + (role == CertificateRole.Watcher ? " and keys" : "") + " will be revoked.");

        using var certificate = role == CertificateRole.Monitor
            ? ca.IssueMonitor(name, monitorNames ?? throw new ArgumentNullException(nameof(monitorNames)), now)
            : ca.IssueClient(role, name, now);
        var identity = CertificateIdentity.FromCertificate(certificate);
        var updated = records.WithRevoked(existing, now, "superseded", out var superseded).WithIssued(identity, now);

        PreSharedKey? psk = null;
        var bundle = role == CertificateRole.Monitor ? Paths.MonitorBundle(name) : Paths.AdminBundle(name);
        if (role == CertificateRole.Watcher)
        {
            // grace null: a forced re-issue means the old bundle is not to be trusted, so its keys stop now.
            updated = updated with { Keyring = updated.Keyring.WithNewKey(name, now, grace: null, out var key) };
            psk = new PreSharedKey(name, key.KeyId, key.KeyBytes);
            bundle = Paths.WatcherBundle(name);
        }
        updated.Save(Paths);
        IdentityBundle.Write(bundle, certificate, ca.Certificate, psk);
        return new IssueResult(identity, bundle, psk?.KeyId, superseded);
    }

    private CertificateAuthority LoadAuthority()
    {
        if (!File.Exists(Paths.CaKey))
            throw new PkiException($"No CA in {Paths.Root}: run `securemonitor pki init` first.");
        return CertificateAuthority.FromCertificate(PemFiles.ReadCertificateWithKey(Paths.CaCertificate, Paths.CaKey), options);
    }

    /// <summary>Admins and viewers share names (one person, one bundle folder); watchers and monitors have their own.</summary>
    private static bool SameNamespace(CertificateRole a, CertificateRole b) => Namespace(a) == Namespace(b);

    private static string Namespace(CertificateRole role) => role switch
    {
        CertificateRole.Admin or CertificateRole.Viewer => "admin",
        _ => role.ToWireName(),
    };

    private static string ValidateCaName(string caName)
    {
        var trimmed = caName?.Trim() ?? "";
        if (trimmed.Length == 0 || trimmed.Length > MaxCaNameLength || trimmed.Any(char.IsControl))
            throw new ArgumentException($"The CA name must be 1-{MaxCaNameLength} printable characters.", nameof(caName));
        return trimmed;
    }

    private static DateTimeOffset ToOffset(DateTime utcOrLocal) => new(utcOrLocal.ToUniversalTime(), TimeSpan.Zero);
}
