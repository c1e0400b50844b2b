using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using SecureMonitor.Monitor;
using SecureMonitor.Monitor.Node;
using SecureMonitor.Pki;
using SecureMonitor.Transport;
using SecureMonitor.Transport.Client;
using SecureMonitor.Transport.Listening;

namespace SecureMonitor.Benchmarks.Transport;

/// <summary>
/// What every transport benchmark stands on: a throw-away PKI in a temporary directory (ECDSA P-256
/// CA, a monitor certificate for 127.0.0.1), watcher identities issued from it, and servers on
/// 127.0.0.1 with an ephemeral port. Logging is off, so the figures are the transport's, not a
/// console's. <see cref="DisposeAsync"/> stops every server started here, releases every identity
/// loaded, and deletes the directory.
/// </summary>
internal sealed class LoopbackTransport : IAsyncDisposable
{
    private const string LoopbackAddress = "127.0.0.1";

    private readonly PkiDirectory _pki;
    private readonly Stack<Func<ValueTask>> _cleanups = new();

    private LoopbackTransport(PkiDirectory pki) => _pki = pki;

    public static LoopbackTransport CreateWithTemporaryPki()
    {
        var root = Path.Combine(Path.GetTempPath(), "securemonitor-bench-" + Guid.NewGuid().ToString("N"));
        var pki = new PkiDirectory(root);
        pki.Init("transport benchmarks", [LoopbackAddress]);
        return new LoopbackTransport(pki);
    }

    public PkiPaths Paths => _pki.Paths;

    /// <summary>Issues a watcher certificate and PSK for <paramref name="hostId"/> and loads its bundle.</summary>
    public IdentityBundle IssueWatcher(string hostId)
    {
        var issued = _pki.IssueWatcher(hostId);
        var bundle = IdentityBundle.Load(issued.BundleDirectory);
        OnDispose(bundle);
        return bundle;
    }

    /// <summary>A bare <see cref="SecureListener"/> with the monitor's certificate (TLS 1.3, client
    /// certificates validated against the CA and the revocation list) serving <paramref name="handler"/>.</summary>
    public MonitorEndpoint StartListener(ISecureSessionHandler handler, IConnectionRejectionSink rejections)
    {
        var identity = MonitorIdentity.Load(_pki.Paths);
        OnDispose(identity);
        var listener = new SecureListener(new SecureListenerOptions
        {
            Endpoint = new IPEndPoint(IPAddress.Loopback, 0),
            ServerCertificate = identity.Certificate,
            ClientValidator = new ClientCertificateValidator(identity.CaCertificate, FileKeyring.Open(_pki.Paths, TimeProvider.System)),
        }, handler, rejections, NullLogger<SecureListener>.Instance);
        listener.Start();
        _cleanups.Push(listener.DisposeAsync);
        return new MonitorEndpoint(LoopbackAddress, listener.LocalEndpoint.Port);
    }

    /// <summary>A full monitor node, as the CLI starts one: TLS, envelope verification, replay check, acks.</summary>
    public async Task<(MonitorNode Node, MonitorEndpoint Endpoint)> StartMonitorNodeAsync(int hostMessagesPerSecond = 500)
    {
        var node = await MonitorNode.StartAsync(new MonitorOptions
        {
            NodeId = "bench-node",
            Listen = new IPEndPoint(IPAddress.Loopback, 0),
            PkiDirectory = _pki.Paths.Root,
            DataDirectory = Path.Combine(_pki.Paths.Root, "data"),
            HostMessagesPerSecond = hostMessagesPerSecond,
        }, NullLoggerFactory.Instance, TimeProvider.System);
        _cleanups.Push(node.DisposeAsync);
        return (node, new MonitorEndpoint(LoopbackAddress, node.Endpoint.Port));
    }

    public static Task<FramedConnection> ConnectAsync(IdentityBundle client, MonitorEndpoint endpoint) =>
        SecureClient.ConnectAsync(endpoint, new SecureClientOptions { Identity = client });

    public async ValueTask DisposeAsync()
    {
        while (_cleanups.TryPop(out var cleanup))
        {
            await cleanup();
        }
        Directory.Delete(_pki.Paths.Root, recursive: true);
    }

    private void OnDispose(IDisposable resource) => _cleanups.Push(() =>
    {
        resource.Dispose();
        return ValueTask.CompletedTask;
    });
}
