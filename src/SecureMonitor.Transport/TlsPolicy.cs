using System.Net.Security;
using System.Security.Authentication;

namespace SecureMonitor.Transport;

/// <summary>
/// The one place that decides what TLS we speak: TLS 1.3 only, both ends authenticated against
/// the project CA, no renegotiation, no OS revocation fetches (our revocation list is checked by
/// the certificate validators, offline). Everything that opens a TLS connection goes through here.
/// </summary>
public static class TlsPolicy
{
    /// <summary>Only TLS 1.3: no downgrade to 1.2 or earlier is possible by configuration.</summary>
    public const SslProtocols Protocols = SslProtocols.Tls13;

    /// <summary>Application protocol name negotiated by ALPN, so a stray HTTP/2 or HTTP/1.1 client fails early.</summary>
    public static readonly SslApplicationProtocol Alpn = new("securemonitor/1");
}
