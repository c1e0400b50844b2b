using SecureMonitor.Pki;

namespace SecureMonitor.Simulation.Running;

/// <summary>
/// The identities of one run, issued on the fly from the CA of a PKI directory: one watcher
/// certificate and pre-shared key per virtual watcher (named <c>sim-RUN-NNN</c>, so runs never
/// collide) and one admin certificate for observing the monitor. <see cref="Revoke"/> withdraws
/// them all and deletes their bundles (which hold private keys) when the run is over.
/// </summary>
public sealed class VirtualIdentities : IDisposable
{
    private readonly PkiDirectory _pki;
    private readonly List<IdentityBundle> _watchers;
    private bool _revoked;

    private VirtualIdentities(PkiDirectory pki, string runId)
    {
        _pki = pki;
        RunId = runId;
        _watchers = [];
    }

    public string RunId { get; }

    public IReadOnlyList<IdentityBundle> Watchers => _watchers;

    public IdentityBundle Admin { get; private set; } = null!;

    /// <summary>A short random run id: six hex digits.</summary>
    public static string NewRunId() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3));

    public static string HostName(string runId, int index, int count) => $"sim-{runId}-{(index + 1).ToString(count > 999 ? "D5" : "D3", System.Globalization.CultureInfo.InvariantCulture)}";

    public static string AdminName(string runId) => $"sim-{runId}-observer";

    /// <summary>Issues the admin identity, then <paramref name="watchers"/> watcher identities; <paramref name="progress"/> hears every hundred.</summary>
    /// <exception cref="PkiException">No CA (or no CA key) in the directory, or it is unusable.</exception>
    public static VirtualIdentities Issue(string pkiDirectory, string runId, int watchers, Action<int>? progress = null, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(watchers, 1);
        var identities = new VirtualIdentities(new PkiDirectory(pkiDirectory, time), runId);
        try
        {
            identities.Admin = IdentityBundle.Load(identities._pki.IssueAdmin(AdminName(runId)).BundleDirectory);
            // A hundred per pass: the records file is rewritten once per pass, not once per watcher.
            for (var first = 0; first < watchers; first += 100)
            {
                var names = Enumerable.Range(first, Math.Min(100, watchers - first)).Select(index => HostName(runId, index, watchers)).ToList();
                foreach (var issued in identities._pki.IssueWatchers(names))
                {
                    identities._watchers.Add(IdentityBundle.Load(issued.BundleDirectory));
                }
                progress?.Invoke(identities._watchers.Count);
            }
            return identities;
        }
        catch
        {
            identities.Revoke();
            identities.Dispose();
            throw;
        }
    }

    /// <summary>Revokes every certificate and key issued for the run and deletes the bundles. Idempotent.</summary>
    public void Revoke()
    {
        if (_revoked)
        {
            return;
        }
        _revoked = true;
        _pki.RevokeWatchers([.. _watchers.Select(bundle => bundle.Identity.Name)], "simulation run over");
        if (Admin is not null)
        {
            try
            {
                _pki.Revoke(Admin.Identity.Name, CertificateRole.Admin, "simulation run over");
            }
            catch (PkiException)
            {
                // Already revoked (by an operator, or a previous attempt): nothing left to withdraw.
            }
        }
        foreach (var bundle in _watchers.Append(Admin).OfType<IdentityBundle>())
        {
            try
            {
                Directory.Delete(bundle.Directory, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
            }
        }
    }

    public void Dispose()
    {
        foreach (var bundle in _watchers)
        {
            bundle.Dispose();
        }
        Admin?.Dispose();
    }
}
