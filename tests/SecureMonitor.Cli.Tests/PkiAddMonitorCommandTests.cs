using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using SecureMonitor.Pki;
using SecureMonitor.TestKit.Monitors;
using SecureMonitor.TestKit.Processes;
using SecureMonitor.Transport;
using Xunit;
using Xunit.Abstractions;

namespace SecureMonitor.Cli.Tests;

/// <summary><c>securemonitor pki add-monitor</c> end to end, and a monitor node serving TLS with the identity it made.</summary>
public sealed class PkiAddMonitorCommandTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _directory = Directory.CreateTempSubdirectory("sm-addmon-").FullName;

    private string Pki => Path.Combine(_directory, "pki");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Add_monitor_has_help_naming_its_options()
    {
        var run = await CliRun.InvokeAsync("pki", "add-monitor", "--help");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("Usage:", run.Output);
        Assert.Contains("--name", run.Output);
        Assert.Contains("--dir", run.Output);
        Assert.Contains("monitors/NAME", run.Output);
        Assert.Matches(@"(?m)^\s+add-monitor\s", (await CliRun.InvokeAsync("pki", "--help")).Output);
    }

    [Fact]
    public async Task Add_monitor_writes_the_node_identity_lists_it_refuses_to_overwrite_it_and_revokes_it()
    {
        await InitAsync();

        var run = await CliRun.InvokeAsync("pki", "add-monitor", "Node-2", "--dir", Pki, "--name", "node-2.example.org", "--name", "10.0.0.2");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var bundle = Path.Combine(Pki, "monitors", "node-2");
        Assert.Contains("Issued monitor certificate for node-2", run.Output);
        Assert.Contains("node-2.example.org, 10.0.0.2", run.Output);
        Assert.Contains($"--identity {bundle}", run.Output);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(Path.Combine(bundle, IdentityBundle.PrivateKeyFileName)));
            Assert.Equal(OwnerOnly | UnixFileMode.UserExecute, File.GetUnixFileMode(bundle));
        }
        using (var identity = IdentityBundle.Load(bundle))
        {
            Assert.Equal(CertificateRole.Monitor, identity.Identity.Role);
        }
        Assert.Matches(@"(?m)^monitor\s+node-2\s+\S+\s+\S+\s+valid$", (await CliRun.InvokeAsync("pki", "list", "--dir", Pki)).Output);

        var again = await CliRun.InvokeAsync("pki", "add-monitor", "node-2", "--dir", Pki, "--name", "10.0.0.3");
        Assert.Equal(ExitCodes.DataError, again.ExitCode);
        Assert.Contains("refusing to overwrite", again.Error);
        Assert.DoesNotContain("   at ", again.Error);

        var revoke = await CliRun.InvokeAsync("pki", "revoke", "node-2", "--dir", Pki);
        Assert.Equal(ExitCodes.Ok, revoke.ExitCode);
        Assert.Contains("Revoked node-2: 1 certificate(s)", revoke.Output);
        Assert.Matches(@"(?m)^monitor\s+node-2\s+\S+\s+\S+\s+revoked$", (await CliRun.InvokeAsync("pki", "list", "--dir", Pki)).Output);
    }

    [Fact]
    public async Task Revoke_takes_a_role_when_a_node_and_a_watcher_share_a_name()
    {
        await InitAsync();
        Assert.Equal(ExitCodes.Ok, (await CliRun.InvokeAsync("pki", "add-monitor", "mon-1", "--dir", Pki, "--name", "10.0.0.2")).ExitCode);
        Assert.Equal(ExitCodes.Ok, (await CliRun.InvokeAsync("pki", "issue-watcher", "mon-1", "--dir", Pki)).ExitCode);

        Assert.Equal(ExitCodes.DataError, (await CliRun.InvokeAsync("pki", "revoke", "mon-1", "--dir", Pki)).ExitCode);
        var revoke = await CliRun.InvokeAsync("pki", "revoke", "mon-1", "--dir", Pki, "--role", "monitor");

        Assert.Equal(ExitCodes.Ok, revoke.ExitCode);
        var listing = (await CliRun.InvokeAsync("pki", "list", "--dir", Pki)).Output;
        Assert.Matches(@"(?m)^monitor\s+mon-1\s+.*revoked$", listing);
        Assert.Matches(@"(?m)^watcher\s+mon-1\s+.*valid$", listing);
    }

    [Theory]
    [InlineData(new[] { "node-2" }, "at least one")]
    [InlineData(new[] { "../node-2", "--name", "10.0.0.2" }, "monitor node name")]
    [InlineData(new[] { "node-2", "--name", "bad name!" }, "bad name!")]
    public async Task A_wrong_add_monitor_command_line_is_a_usage_error_and_writes_nothing(string[] arguments, string message)
    {
        await InitAsync();

        var run = await CliRun.InvokeAsync(["pki", "add-monitor", "--dir", Pki, .. arguments]);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains(message, run.Error);
        Assert.False(Directory.Exists(Path.Combine(Pki, "monitors")));
    }

    [Fact]
    public async Task Add_monitor_without_a_CA_says_to_run_init()
    {
        var run = await CliRun.InvokeAsync("pki", "add-monitor", "node-2", "--dir", Pki, "--name", "10.0.0.2");

        Assert.Equal(ExitCodes.DataError, run.ExitCode);
        Assert.Contains("pki init", run.Error);
    }

    [Fact]
    public async Task A_monitor_started_with_identity_serves_TLS_with_that_node_certificate_and_refuses_it_as_a_client()
    {
        await InitAsync();
        Assert.Equal(ExitCodes.Ok, (await CliRun.InvokeAsync("pki", "add-monitor", "node-2", "--dir", Pki, "--name", "127.0.0.1")).ExitCode);
        var identityDirectory = Path.Combine(Pki, "monitors", "node-2");
        using var node = IdentityBundle.Load(identityDirectory);
        using var admin = IdentityBundle.Load(Path.Combine(Pki, "admins", "admin"));
        var port = LoopbackPort.Free();

        await using var monitor = SecureMonitorProcess.Start(["monitor", "--pki", Pki, "--identity", identityDirectory, "--node-id", "node-2",
            "--listen", $"127.0.0.1:{port}", "--cluster-port", "0", "--data", Path.Combine(_directory, "data")]);
        try
        {
            await monitor.WaitForLinesAsync(line => line.Contains("listening on", StringComparison.Ordinal), 1, "the node listening", Bound);

            using var served = await ServerCertificateAsync(new IPEndPoint(IPAddress.Loopback, port), admin);
            Assert.Equal(node.Certificate.Thumbprint, served.Thumbprint);
            Assert.True(new ServerCertificateValidator(admin.CaCertificate).Validate(served, null, DateTimeOffset.UtcNow, "127.0.0.1").Ok);

            // The node's certificate has clientAuth for the cluster, but is no watcher or admin at the edge.
            var attempt = await HostilePeers.AttemptTlsAsync(new IPEndPoint(IPAddress.Loopback, port), node.Certificate, SslProtocols.Tls13, Bound);
            Assert.True(attempt.Refused, attempt.ToString());
            await monitor.WaitForLinesAsync(line => line.Contains(ValidationFailures.NotAClientCertificate, StringComparison.Ordinal), 1,
                "the refusal of the node certificate as a client", Bound);
        }
        finally
        {
            output.WriteLine(string.Join('\n', monitor.Lines));
        }
    }

    private async Task InitAsync()
    {
        var init = await CliRun.InvokeAsync("pki", "init", "--dir", Pki);
        Assert.Equal(ExitCodes.Ok, init.ExitCode);
    }

    /// <summary>A TLS 1.3 handshake as the admin; returns the certificate the server presented.</summary>
    private static async Task<X509Certificate2> ServerCertificateAsync(IPEndPoint endpoint, IdentityBundle client)
    {
        using var deadline = new CancellationTokenSource(Bound);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(endpoint, deadline.Token);
        await using var tls = new SslStream(tcp.GetStream());
        X509Certificate2? presented = null;
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            EnabledSslProtocols = SslProtocols.Tls13,
            ClientCertificates = [client.Certificate],
            ApplicationProtocols = [TlsPolicy.Alpn],
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                presented = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                return presented is not null;
            },
        }, deadline.Token);
        return presented ?? throw new InvalidOperationException("The server presented no certificate.");
    }
}
