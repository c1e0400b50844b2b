using System.Net.Security;
using SecureMonitor.Monitor.Cluster.Remoting;

namespace SecureMonitor.Monitor.Tests.Cluster.Remoting;

/// <summary>The pinned validator without a network: who is a monitor peer and who is not.</summary>
public sealed class MonitorPeerCertificateValidatorTests
{
    private readonly TestCertificates _pki = new("Test Monitor CA");

    [Fact]
    public void A_monitor_certificate_from_our_ca_with_both_purposes_is_accepted()
    {
        using var node = _pki.Node("node-a");
        Assert.Null(new MonitorPeerCertificateValidator(_pki.Ca).RefusalReason(node));
        Assert.True(new MonitorPeerCertificateValidator(_pki.Ca).Validate(node, null, "peer", SslPolicyErrors.RemoteCertificateChainErrors, null));
    }

    [Fact]
    public void Refusals_say_why()
    {
        var validator = new MonitorPeerCertificateValidator(_pki.Ca);
        using var foreign = new TestCertificates("Foreign CA").Node("node-x");
        using var watcher = _pki.Node("node-w", role: "admin");
        using var serverOnly = _pki.Node("node-s", clientAuth: false);
        using var clientOnly = _pki.Node("node-c", serverAuth: false);

        Assert.Contains("project CA", validator.RefusalReason(foreign));
        Assert.Contains("not monitor", validator.RefusalReason(watcher));
        Assert.Contains("clientAuth", validator.RefusalReason(serverOnly));
        Assert.Contains("serverAuth", validator.RefusalReason(clientOnly));
        Assert.Contains("CA certificate", validator.RefusalReason(_pki.Ca));
        Assert.False(validator.Validate(null, null, "peer", SslPolicyErrors.RemoteCertificateNotAvailable, null));
    }

    [Fact]
    public void A_revoked_certificate_is_refused()
    {
        using var node = _pki.Node("node-r");
        var validator = new MonitorPeerCertificateValidator(_pki.Ca, isRevoked: c => c.SerialNumber == node.SerialNumber);
        Assert.Equal("revoked", validator.RefusalReason(node));
    }

    [Fact]
    public void The_setup_refuses_a_node_certificate_its_peers_would_refuse()
    {
        using var serverOnly = _pki.Node("node-s", clientAuth: false);
        Assert.Throws<ArgumentException>(() => RemotingTls.Setup(serverOnly, _pki.Ca));
        using var good = _pki.Node("node-g");
        var setup = RemotingTls.Setup(good, _pki.Ca);
        Assert.True(setup.RequireMutualAuthentication);
        Assert.False(setup.SuppressValidation);
        Assert.NotNull(setup.CustomValidator);
    }
}
