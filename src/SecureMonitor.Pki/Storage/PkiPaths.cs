namespace SecureMonitor.Pki;

/// <summary>
/// The layout of a PKI directory. Only the pki command needs all of it; a monitor node needs
/// <see cref="CaCertificate"/>, the monitor pair (or its own <see cref="MonitorBundle"/>), <see cref="Keyring"/>
/// and <see cref="RevocationList"/>, never <see cref="CaKey"/>.
/// </summary>
public sealed class PkiPaths(string root)
{
    public string Root { get; } = Path.GetFullPath(root);
    public string CaCertificate => Path.Combine(Root, "ca", "ca.crt");
    public string CaKey => Path.Combine(Root, "ca", "ca.key");
    public string MonitorCertificate => Path.Combine(Root, "monitor", "monitor.crt");
    public string MonitorKey => Path.Combine(Root, "monitor", "monitor.key");
    public string Keyring => Path.Combine(Root, "keyring.json");
    public string RevocationList => Path.Combine(Root, "revoked.json");
    public string IssuedIndex => Path.Combine(Root, "issued.json");

    /// <summary>Admins and viewers share one namespace: a name is one person, whatever the role.</summary>
    public string AdminBundle(string name) => Path.Combine(Root, "admins", name);

    public string WatcherBundle(string hostId) => Path.Combine(Root, "watchers", hostId);

    /// <summary>A monitor node's own identity (<c>pki add-monitor</c>), for <c>monitor --identity</c>.</summary>
    public string MonitorBundle(string nodeName) => Path.Combine(Root, "monitors", nodeName);
}
