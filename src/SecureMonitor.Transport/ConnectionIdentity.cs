using System.Net;
using SecureMonitor.Pki;

namespace SecureMonitor.Transport;

/// <summary>
/// Who is on the other end of an authenticated connection, as proved by its certificate, and a
/// readable name for logs such as <c>watcher:web01@127.0.0.1:50312</c>.
/// </summary>
public sealed record ConnectionIdentity(CertificateIdentity Certificate, EndPoint? Remote)
{
    public CertificateRole Role => Certificate.Role;

    /// <summary>The host id a watcher certificate names; null for other roles.</summary>
    public string? HostId => Certificate.HostId;

    public string Name => $"{Certificate.Role.ToString().ToLowerInvariant()}:{Certificate.HostId ?? Certificate.Name}@{Remote}";

    public override string ToString() => Name;
}
