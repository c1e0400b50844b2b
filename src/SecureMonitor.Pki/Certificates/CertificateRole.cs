namespace SecureMonitor.Pki;

/// <summary>
/// What a certificate may do. Encoded in the certificate as the SAN URI
/// <c>urn:securemonitor:role:&lt;role&gt;</c> (see <see cref="RoleUris"/>) so it is covered by the CA's signature.
/// </summary>
public enum CertificateRole
{
    /// <summary>A monitor node: TLS server to watchers and admins, server and client to other nodes (EKU serverAuth and clientAuth).</summary>
    Monitor,
    /// <summary>A watcher host: TLS client for exactly one host id.</summary>
    Watcher,
    /// <summary>An operator who may change things.</summary>
    Admin,
    /// <summary>An operator who may only look.</summary>
    Viewer,
}

public static class CertificateRoleExtensions
{
    /// <summary>
    /// Roles that may connect to a monitor's edge listener (EKU clientAuth only). The monitor is not one,
    /// although its certificate also carries clientAuth for node-to-node TLS.
    /// </summary>
    public static bool IsClientRole(this CertificateRole role) => role != CertificateRole.Monitor;

    /// <summary>The lower-case word used in the role URI, the OU and the JSON files.</summary>
    public static string ToWireName(this CertificateRole role) => role switch
    {
        CertificateRole.Monitor => "monitor",
        CertificateRole.Watcher => "watcher",
        CertificateRole.Admin => "admin",
        CertificateRole.Viewer => "viewer",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown certificate role."),
    };

    public static bool TryParseWireName(string? value, out CertificateRole role)
    {
        foreach (var candidate in Enum.GetValues<CertificateRole>())
        {
            if (string.Equals(candidate.ToWireName(), value, StringComparison.Ordinal))
            {
                role = candidate;
                return true;
            }
        }
        role = default;
        return false;
    }
}
