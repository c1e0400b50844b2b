using SecureMonitor.Pki;

namespace SecureMonitor.TestKit.Monitors;

/// <summary>
/// A PKI directory in a fresh temporary folder: initialised (CA, a monitor certificate for
/// <c>localhost</c> and <c>127.0.0.1</c>, the admin bundle <c>admins/admin/</c>) and holding the
/// watchers, admins and viewers asked for. Bundles loaded through the fixture are disposed with it,
/// and the folder is deleted.
/// </summary>
/// <remarks>
/// The clock is the one the certificates, the key ring's grace periods and revocations are stamped
/// with. A test that advances a <see cref="ManualTimeProvider"/> must start it at the real current
/// time (<c>new ManualTimeProvider(DateTimeOffset.UtcNow)</c>): TLS peers that validate against the
/// system clock must find the certificates valid too.
/// </remarks>
public sealed class PkiFixture : IDisposable
{
    private readonly List<IdentityBundle> _loaded = [];

    /// <param name="watchers">Host ids to issue watcher bundles for.</param>
    /// <param name="admins">Admin names to issue (besides the <c>admin</c> that init creates).</param>
    /// <param name="viewers">Names to issue read-only viewer bundles for.</param>
    /// <param name="time">The PKI's clock; the system clock by default.</param>
    /// <param name="caName">Distinguishes CAs when a test needs a second, untrusted one.</param>
    public PkiFixture(IEnumerable<string>? watchers = null, IEnumerable<string>? admins = null, IEnumerable<string>? viewers = null,
        TimeProvider? time = null, string caName = "test")
    {
        Time = time ?? TimeProvider.System;
        Root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "smpki-" + Guid.NewGuid().ToString("N"));
        Directory = new PkiDirectory(Root, Time);
        try
        {
            Init = Directory.Init(caName, []);
            foreach (var host in watchers ?? [])
            {
                Directory.IssueWatcher(host);
            }
            foreach (var name in admins ?? [])
            {
                Directory.IssueAdmin(name);
            }
            foreach (var name in viewers ?? [])
            {
                Directory.IssueAdmin(name, viewer: true);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>A PKI with the given watcher host ids, on the system clock.</summary>
    public static PkiFixture WithWatchers(params string[] hostIds) => new(watchers: hostIds);

    public TimeProvider Time { get; }

    public string Root { get; }

    public PkiDirectory Directory { get; }

    public PkiPaths Paths => Directory.Paths;

    public InitResult Init { get; }

    /// <summary>The CA certificate file, as a client that checks the monitor needs it.</summary>
    public string CaCertificateFile => Paths.CaCertificate;

    /// <summary>Loads the current bundle of a watcher (its psk.json holds its current key).</summary>
    public IdentityBundle LoadWatcher(string hostId) => Track(IdentityBundle.Load(Paths.WatcherBundle(hostId)));

    /// <summary>Loads an admin's or viewer's bundle; by default the admin that init created.</summary>
    public IdentityBundle LoadAdmin(string name = PkiDirectory.DefaultAdminName) => Track(IdentityBundle.Load(Paths.AdminBundle(name)));

    /// <summary>Issues a watcher (with <paramref name="force"/>, replacing one) and loads its bundle.</summary>
    public IdentityBundle IssueWatcher(string hostId, bool force = false)
    {
        Directory.IssueWatcher(hostId, force);
        return LoadWatcher(hostId);
    }

    /// <summary>Issues an admin, or a viewer, and loads its bundle.</summary>
    public IdentityBundle IssueAdmin(string name, bool viewer = false)
    {
        Directory.IssueAdmin(name, viewer);
        return LoadAdmin(name);
    }

    /// <summary>Revokes a watcher's certificate and keys, or an admin's certificate. A running monitor
    /// notices at its next key ring check (see <see cref="FileKeyring.ReloadCheckInterval"/>).</summary>
    public RevokeResult Revoke(string name, CertificateRole? role = null) => Directory.Revoke(name, role);

    /// <summary>Gives the host a new key; the old one stays valid for <paramref name="grace"/>. Load the
    /// watcher again to get the new key.</summary>
    public RotateKeyResult RotateKey(string hostId, TimeSpan grace) => Directory.RotateKey(hostId, grace);

    public void Dispose()
    {
        lock (_loaded)
        {
            foreach (var bundle in _loaded)
            {
                bundle.Dispose();
            }
            _loaded.Clear();
        }
        try
        {
            if (System.IO.Directory.Exists(Root))
            {
                System.IO.Directory.Delete(Root, recursive: true);
            }
        }
        catch (IOException)
        {
            // A temporary folder left behind must not fail the test that used it.
        }
    }

    private IdentityBundle Track(IdentityBundle bundle)
    {
        lock (_loaded)
        {
            _loaded.Add(bundle);
        }
        return bundle;
    }
}
