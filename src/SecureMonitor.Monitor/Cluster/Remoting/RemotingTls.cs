using System.Security.Cryptography.X509Certificates;
using Akka.Configuration;
using Akka.Remote.Transport.DotNetty;

namespace SecureMonitor.Monitor.Cluster.Remoting;

/// <summary>
/// Mutual TLS for Akka.Remote between monitor nodes, pinned to the project CA. Give the ActorSystem both
/// <see cref="Setup"/> (the certificate and our validator) and <see cref="Config"/> (DotNetty only turns TLS
/// on from HOCON; the setup then wins over any HOCON certificate settings).
/// </summary>
/// <remarks>
/// TLS version: DotNetty 0.7.6 (under Akka.Remote 1.5.75) offers TLS 1.0-1.2 and cannot do TLS 1.3, and
/// Akka has no setting to narrow it. The platform refuses 1.0 and 1.1 (OpenSSL 3 allows them only at
/// security level 0; the tests measure a TLS 1.1 client refused), so in practice only TLS 1.2 is
/// accepted. That is why remoting is for the private network between monitor nodes only (ARCHITECTURE
/// decision 4); watchers and admins use our TLS 1.3 edge.
/// </remarks>
public static class RemotingTls
{
    /// <summary>
    /// HOCON that must accompany <see cref="Setup"/>. Mutual authentication is required on both sides
    /// (Akka's default, written out so nobody turns it off by accident); hostname checks are off because
    /// nodes dial each other by address and the validator checks the role instead.
    /// </summary>
    public const string Hocon = """
        akka.remote.dot-netty.tcp {
          enable-ssl = on
          ssl {
            suppress-validation = off
            require-mutual-authentication = on
            validate-certificate-hostname = off
          }
        }
        """;

    public static Config Config => ConfigurationFactory.ParseString(Hocon);

    /// <param name="nodeCertificate">This node's monitor certificate, with its private key.</param>
    /// <param name="caCertificate">The project CA; the only anchor peers are checked against.</param>
    /// <param name="isRevoked">Our revocation list by serial; null when there is none yet.</param>
    public static DotNettySslSetup Setup(
        X509Certificate2 nodeCertificate,
        X509Certificate2 caCertificate,
        Func<X509Certificate2, bool>? isRevoked = null,
        TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(nodeCertificate);
        // Fail at start-up, not at the first handshake: a node without its key cannot authenticate.
        if (!nodeCertificate.HasPrivateKey)
            throw new ArgumentException("The node certificate has no private key.", nameof(nodeCertificate));
        var validator = new MonitorPeerCertificateValidator(caCertificate, isRevoked, time);
        // Our own certificate must pass the check we apply to peers, or every peer would refuse us.
        if (validator.RefusalReason(nodeCertificate) is { } reason)
            throw new ArgumentException($"The node certificate would be refused by its peers: {reason}.", nameof(nodeCertificate));

        return new DotNettySslSetup(
            nodeCertificate,
            suppressValidation: false,
            requireMutualAuthentication: true,
            validateCertificateHostname: false,
            customValidator: validator.Validate);
    }
}
