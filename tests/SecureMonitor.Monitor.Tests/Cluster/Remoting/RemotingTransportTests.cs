using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace SecureMonitor.Monitor.Tests.Cluster.Remoting;

/// <summary>Two nodes over real DotNetty TLS on 127.0.0.1: delivery, refusal by type, rogue peers, junk.</summary>
public sealed class RemotingTransportTests : IClassFixture<RemotingPairFixture>
{
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(15);
    private readonly RemotingPairFixture _pair;
    private readonly ITestOutputHelper _output;

    public RemotingTransportTests(RemotingPairFixture pair, ITestOutputHelper output)
    {
        _pair = pair;
        _output = output;
    }

    [Fact]
    public async Task An_allowed_message_travels_both_ways()
    {
        var clock = Stopwatch.StartNew();
        _pair.A.System.ActorSelection(_pair.B.InboxPath).Tell(new AllowedPing(1, "to b"));
        Assert.Equal(new AllowedPing(1, "to b"), await _pair.B.NextAsync(Delivery));
        _output.WriteLine($"A -> B first message (TLS association + delivery): {clock.ElapsedMilliseconds} ms");

        clock.Restart();
        _pair.B.System.ActorSelection(_pair.A.InboxPath).Tell(new AllowedPing(2, "to a"));
        Assert.Equal(new AllowedPing(2, "to a"), await _pair.A.NextAsync(Delivery));
        _output.WriteLine($"B -> A first message: {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task A_type_off_the_receivers_list_is_refused_and_the_association_stays_up()
    {
        var inbox = _pair.A.System.ActorSelection(_pair.B.InboxPath);
        inbox.Tell(new AllowedPing(10, "before"));
        Assert.Equal(new AllowedPing(10, "before"), await _pair.B.NextAsync(Delivery));

        inbox.Tell(new NotAllowedPing("must not arrive"));
        inbox.Tell(new AllowedPing(11, "after"));

        // Order is kept on one association: the next thing in B's inbox is the later allowed message.
        Assert.Equal(new AllowedPing(11, "after"), await _pair.B.NextAsync(Delivery));
        var logged = await _pair.B.ProblemContainingAsync(nameof(NotAllowedPing), Delivery);
        Assert.NotNull(logged);
        _output.WriteLine($"B logged ({logged.LogLevel()}): {logged.ToString().Split('\n').FirstOrDefault(line => line.Contains("Unsafe Type"))?.Trim()}");
    }

    [Fact]
    public async Task A_node_with_a_foreign_ca_certificate_cannot_deliver()
    {
        var foreign = new TestCertificates("Foreign CA");
        // The rogue's own check passes (it trusts its CA), so it dials; our node refuses its certificate.
        var rogue = new RemotingNode("monitor", foreign.Node("rogue"), foreign.Ca, [typeof(AllowedPing)]);
        try
        {
            rogue.System.ActorSelection(_pair.B.InboxPath).Tell(new AllowedPing(66, "rogue"));
            Assert.Null(await _pair.B.NextAsync(TimeSpan.FromSeconds(5)));

            var clock = Stopwatch.StartNew();
            var terminated = await Task.WhenAny(rogue.System.WhenTerminated, Task.Delay(TimeSpan.FromSeconds(20))) == rogue.System.WhenTerminated;
            _output.WriteLine(terminated
                ? $"rogue ActorSystem terminated itself (CoordinatedShutdown after its failed outbound handshake), {clock.ElapsedMilliseconds} ms after the 5 s wait"
                : "rogue ActorSystem still running 20 s after the 5 s wait");

            // B refused an inbound handshake: it must still be up and talking to A.
            Assert.False(_pair.B.System.WhenTerminated.IsCompleted);
            _pair.A.System.ActorSelection(_pair.B.InboxPath).Tell(new AllowedPing(67, "still up"));
            Assert.Equal(new AllowedPing(67, "still up"), await _pair.B.NextAsync(Delivery));
        }
        finally
        {
            await rogue.DisposeAsync();
        }
    }

    [Fact]
    public async Task Junk_and_http_at_the_port_do_not_bring_the_node_down()
    {
        var port = _pair.B.Address.Port!.Value;
        byte[][] payloads =
        [
            Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
            RandomNumberGenerator.GetBytes(4096),
            [0x16, 0x03, 0x03, 0xff, 0xff, 0x01], // a TLS record header announcing more than it sends
            [0x00, 0x00, 0x00, 0x00],
        ];
        foreach (var payload in payloads)
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port).WaitAsync(TimeSpan.FromSeconds(5));
            var stream = client.GetStream();
            await stream.WriteAsync(payload).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
            // Read until the node closes (or 5 s): it should hang up on us, not the other way round.
            var buffer = new byte[1024];
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try { while (await stream.ReadAsync(buffer, cts.Token) > 0) { } }
            catch (Exception e) when (e is OperationCanceledException or IOException) { }
        }

        Assert.False(_pair.B.System.WhenTerminated.IsCompleted);
        _pair.A.System.ActorSelection(_pair.B.InboxPath).Tell(new AllowedPing(70, "after junk"));
        Assert.Equal(new AllowedPing(70, "after junk"), await _pair.B.NextAsync(Delivery));
    }

    [Fact]
    public async Task The_listener_negotiates_tls_1_2_and_refuses_other_versions()
    {
        var port = _pair.B.Address.Port!.Value;
        using var clientCertificate = _pair.Pki.Node("probe");

        var (ok, protocol, cipher, error) = await TryHandshakeAsync(port, clientCertificate, SslProtocols.None);
        Assert.True(ok, error);
        _output.WriteLine($"negotiated {protocol}, {cipher}");
        Assert.Equal(SslProtocols.Tls12, protocol);

        var tls13 = await TryHandshakeAsync(port, clientCertificate, SslProtocols.Tls13);
        Assert.False(tls13.Ok);
        _output.WriteLine($"TLS 1.3-only client: refused ({tls13.Error})");

#pragma warning disable SYSLIB0039 // deliberately old: the point is to see it refused
        var tls11 = await TryHandshakeAsync(port, clientCertificate, SslProtocols.Tls11);
#pragma warning restore SYSLIB0039
        Assert.False(tls11.Ok);
        _output.WriteLine($"TLS 1.1-only client: refused ({tls11.Error})");

        Assert.False(_pair.B.System.WhenTerminated.IsCompleted);
    }

    private static async Task<(bool Ok, SslProtocols Protocol, TlsCipherSuite Cipher, string? Error)> TryHandshakeAsync(
        int port, X509Certificate2 clientCertificate, SslProtocols protocols)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port).WaitAsync(TimeSpan.FromSeconds(5));
        // The probe does not judge the server (the node's own validator is under test, not ours).
        await using var tls = new SslStream(client.GetStream(), false, (_, _, _, _) => true);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "node-b",
                ClientCertificates = [clientCertificate],
                EnabledSslProtocols = protocols,
            }).WaitAsync(TimeSpan.FromSeconds(10));
            return (true, tls.SslProtocol, tls.NegotiatedCipherSuite, null);
        }
        // SslStream reports a refused handshake as several exception types (authentication, I/O, platform).
        catch (Exception e)
        {
            return (false, default, default, e.GetType().Name + ": " + e.GetBaseException().Message);
        }
    }
}
