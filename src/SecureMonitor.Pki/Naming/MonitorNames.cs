using System.Net;
using System.Text.RegularExpressions;

namespace SecureMonitor.Pki;

/// <summary>The names a monitor certificate answers to: DNS names and IP addresses (its SANs).</summary>
public sealed partial record MonitorNames(IReadOnlyList<string> DnsNames, IReadOnlyList<IPAddress> IpAddresses)
{
    public static MonitorNames Default { get; } = new(["localhost"], [IPAddress.Loopback]);

    /// <summary>Splits names into IP addresses and DNS names; no names means <see cref="Default"/>.</summary>
    public static MonitorNames Parse(IEnumerable<string> names)
    {
        var dns = new List<string>();
        var ips = new List<IPAddress>();
        foreach (var raw in names)
        {
            var name = raw.Trim();
            if (IPAddress.TryParse(name, out var ip))
            {
                if (!ips.Contains(ip)) ips.Add(ip);
                continue;
            }
            var lowered = name.ToLowerInvariant();
            if (!DnsNamePattern().IsMatch(lowered))
                throw new ArgumentException(
                    $"Invalid monitor name '{IdentityName.Printable(raw)}': expected a DNS name (letters, digits, '-', dot-separated labels) or an IP address.",
                    nameof(names));
            if (!dns.Contains(lowered)) dns.Add(lowered);
        }
        return dns.Count == 0 && ips.Count == 0 ? Default : new MonitorNames(dns, ips);
    }

    public IEnumerable<string> All => DnsNames.Concat(IpAddresses.Select(ip => ip.ToString()));

    // RFC 1123 labels, 253 characters in all. No wildcards: each monitor node is named exactly.
    [GeneratedRegex(@"^(?=.{1,253}\z)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex DnsNamePattern();
}
