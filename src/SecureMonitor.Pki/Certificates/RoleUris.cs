namespace SecureMonitor.Pki;

/// <summary>The SAN URIs that carry a certificate's role and, for watchers, its host id.</summary>
public static class RoleUris
{
    public const string RolePrefix = "urn:securemonitor:role:";
    public const string HostPrefix = "urn:securemonitor:host:";

    public static Uri ForRole(CertificateRole role) => new(RolePrefix + role.ToWireName());

    public static Uri ForHost(string hostId) => new(HostPrefix + IdentityName.Normalize(hostId, "host id"));
}
