using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace SecureMonitor.Pki.Tests;

/// <summary>The validators wired into a real TLS 1.3 handshake on loopback, the way the monitor and watcher use them.</summary>
public sealed class MutualTlsTests
{
    [Fact]
    public async Task A_watcher_and_the_monitor_authenticate_each_other_over_TLS_13()
    {
        using var fixture = new PkiFixture();
        using var watcher = fixture.IssueAndLoadWatcher("web-01");
        using var monitorCertificate = fixture.LoadMonitorCertificate();
        var clientValidator = fixture.ClientValidator();

        var (serverStream, clientStream) = await ConnectedPairAsync();
        await using var server = new SslStream(serverStream);
        await using var client = new SslStream(clientStream);
        var serverHandshake = server.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
        {
            ServerCertificate = monitorCertificate,
            ClientCertificateRequired = true,
            EnabledSslProtocols = SslProtocols.Tls13,
            RemoteCertificateValidationCallback = clientValidator.ToCallback(fixture.Clock),
        });
        var clientHandshake = client.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ClientCertificates = [watcher.Certificate],
            EnabledSslProtocols = SslProtocols.Tls13,
            RemoteCertificateValidationCallback = new ServerCertificateValidator(watcher.CaCertificate).ToCallback(fixture.Clock, "localhost"),
        });
        await Task.WhenAll(serverHandshake, clientHandshake);

        Assert.Equal(SslProtocols.Tls13, server.SslProtocol);
        var identity = clientValidator.Validate((X509Certificate2?)server.RemoteCertificate, null, fixture.Clock.GetUtcNow()).Identity;
        Assert.Equal("web-01", identity?.HostId);
    }

    private static async Task<(NetworkStream Server, NetworkStream Client)> ConnectedPairAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new TcpClient();
        var accept = listener.AcceptTcpClientAsync();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        var server = await accept;
        return (server.GetStream(), client.GetStream());
    }
}
