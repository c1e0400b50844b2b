using System.ComponentModel;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using SecureMonitor.Pki;
using SecureMonitor.Protocol;

namespace SecureMonitor.Transport.Listening;

/// <summary>
/// Accepts TCP connections, completes a TLS 1.3 mutual-auth handshake within a deadline, checks the
/// client certificate against the project CA and revocation list, then hands the connection to a
/// session handler. The stack for one connection:
/// <code>[Socket] &lt;== [NetworkStream] &lt;== [SslStream] &lt;== frames (AuthenticatedConnection)</code>
/// A peer that sends plaintext, garbage, an old protocol, no certificate or nothing at all costs one
/// counted rejection and its own socket; the accept loop and other connections carry on.
/// </summary>
public sealed partial class SecureListener : IAsyncDisposable
{
    private readonly SecureListenerOptions _options;
    private readonly ISecureSessionHandler _handler;
    private readonly IConnectionRejectionSink _rejections;
    private readonly ILogger _log;
    private readonly SslStreamCertificateContext _serverCertificate;
    private readonly CancellationTokenSource _stopping = new();
    private readonly HashSet<Task> _connections = [];
    private readonly Lock _connectionsLock = new();
    private Socket? _socket;
    private Task? _acceptLoop;

    public SecureListener(SecureListenerOptions options, ISecureSessionHandler handler,
        IConnectionRejectionSink rejections, ILogger<SecureListener> log)
    {
        _options = options;
        _handler = handler;
        _rejections = rejections;
        _log = log;
        _serverCertificate = SslStreamCertificateContext.Create(options.ServerCertificate, additionalCertificates: null, offline: true);
    }

    /// <summary>The bound endpoint (useful with port 0).</summary>
    public IPEndPoint LocalEndpoint => (IPEndPoint?)_socket?.LocalEndPoint
        ?? throw new InvalidOperationException("The listener has not been started.");

    public int OpenConnections
    {
        get { lock (_connectionsLock) { return _connections.Count; } }
    }

    public void Start()
    {
        var socket = new Socket(_options.Endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        socket.Bind(_options.Endpoint);
        socket.Listen(backlog: 1024);
        _socket = socket;
        _acceptLoop = AcceptLoopAsync(socket, _stopping.Token);
        LogListening(_log, LocalEndpoint);
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stopping);
            }
            catch (OperationCanceledException) { break; }
            catch (ObjectDisposedException) { break; }
            catch (SocketException error)
            {
                // Transient accept failures (e.g. a peer reset before accept) must not stop the node.
                LogAcceptFailed(_log, error.SocketErrorCode);
                continue;
            }

            if (OpenConnections >= _options.MaxConnections)
            {
                _rejections.Reject(null, RejectionReason.RateLimited, "connection limit reached", client.RemoteEndPoint);
                client.Dispose();
                continue;
            }

            client.NoDelay = true;
            var task = ServeAsync(client, stopping);
            lock (_connectionsLock) { _connections.Add(task); }
            _ = task.ContinueWith(finished =>
            {
                lock (_connectionsLock) { _connections.Remove(finished); }
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(Socket socket, CancellationToken stopping)
    {
        await Task.Yield(); // never run a handshake on the accept loop's stack
        var remote = socket.RemoteEndPoint;
        await using var network = new NetworkStream(socket, ownsSocket: true);
        await using var tls = new SslStream(network, leaveInnerStreamOpen: false);
        var identity = await HandshakeAsync(tls, remote, stopping);
        if (identity is null)
        {
            return;
        }

        LogConnected(_log, identity.Name, tls.SslProtocol, tls.NegotiatedCipherSuite);
        try
        {
            await using var connection = new AuthenticatedConnection(tls, identity, _options.FrameLimits);
            await _handler.RunAsync(connection, stopping);
        }
        catch (Exception error) when (error is IOException or OperationCanceledException or ObjectDisposedException or System.Threading.Channels.ChannelClosedException)
        {
            // The peer went away or the node is stopping: an ordinary end of a connection.
        }
        catch (Exception error)
        {
            LogSessionFailed(_log, identity.Name, error);
        }
        LogDisconnected(_log, identity.Name);
    }

    /// <summary>Runs the TLS handshake under a deadline and validates the client; returns null (after
    /// recording why) when the peer is refused.</summary>
    private async Task<ConnectionIdentity?> HandshakeAsync(SslStream tls, EndPoint? remote, CancellationToken stopping)
    {
        ValidationResult? validation = null;
        string? claimedHost = null;
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = _serverCertificate,
            ClientCertificateRequired = true,
            EnabledSslProtocols = TlsPolicy.Protocols,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            AllowRenegotiation = false,
            ApplicationProtocols = [TlsPolicy.Alpn],
            CertificateChainPolicy = _options.ClientValidator.TlsChainPolicy(),
            // The OS chain check cannot know our CA; ours replaces it and keeps the reason.
            RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
            {
                var presented = certificate as X509Certificate2;
                validation = _options.ClientValidator.Validate(presented, chain, _options.Time.GetUtcNow());
                // Read the claimed host now: SslStream disposes a refused certificate when the handshake fails.
                claimedHost = validation.Ok ? null : HandshakeRejections.ClaimedHost(presented);
                return validation.Ok;
            },
        };

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        deadline.CancelAfter(_options.HandshakeTimeout);
        try
        {
            await tls.AuthenticateAsServerAsync(options, deadline.Token);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            Refuse(null, RejectionReason.HandshakeTimeout, $"no complete handshake within {_options.HandshakeTimeout.TotalSeconds:0.###} s", remote);
            return null;
        }
        catch (Exception error) when (error is AuthenticationException or IOException or Win32Exception)
        {
            if (validation is { Ok: false } refused)
            {
                var reason = HandshakeRejections.ReasonFor(refused);
                // Only a certificate our CA signed (a revoked one) is trusted to name its host.
                var host = reason == RejectionReason.Revoked ? claimedHost : null;
                Refuse(host, reason, refused.FailureReason, remote);
            }
            else
            {
                // Plaintext, garbage, an old TLS version or an aborted handshake: the peer never got
                // as far as presenting a certificate.
                Refuse(null, RejectionReason.HandshakeFailed, "handshake failed: " + error.Message, remote);
            }
            return null;
        }
        catch (OperationCanceledException)
        {
            return null; // stopping
        }

        if (validation is not { Ok: true, Identity: { } identity })
        {
            // The callback always runs when a certificate is required; treat anything else as refused.
            Refuse(null, RejectionReason.HandshakeFailed, "no client certificate", remote);
            return null;
        }
        return new ConnectionIdentity(identity, remote);
    }

    private void Refuse(string? hostId, RejectionReason reason, string detail, EndPoint? remote) =>
        _rejections.Reject(hostId, reason, detail, remote);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _socket?.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop;
        }
        Task[] open;
        lock (_connectionsLock) { open = [.. _connections]; }
        await Task.WhenAll(open);
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for TLS 1.3 mutual-auth connections on {Endpoint}")]
    private static partial void LogListening(ILogger log, IPEndPoint endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Accept failed: {Error}")]
    private static partial void LogAcceptFailed(ILogger log, SocketError error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected {Connection} ({Protocol}, {CipherSuite})")]
    private static partial void LogConnected(ILogger log, string connection, SslProtocols protocol, TlsCipherSuite cipherSuite);

    [LoggerMessage(Level = LogLevel.Information, Message = "Disconnected {Connection}")]
    private static partial void LogDisconnected(ILogger log, string connection);

    [LoggerMessage(Level = LogLevel.Error, Message = "Session {Connection} failed")]
    private static partial void LogSessionFailed(ILogger log, string connection, Exception error);
}
