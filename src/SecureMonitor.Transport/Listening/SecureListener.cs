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
/// counted rejection (by reason) and its own socket; the accept loop and other connections carry on.
/// The port is bound exclusively (<see cref="ExclusivePort"/>); connections are capped below the
/// descriptor limit (<see cref="ConnectionCap"/>), and accept failures are retried with a backoff;
/// an authenticated session whose peer falls silent for <see cref="SecureListenerOptions.IdleTimeout"/>
/// is closed.
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
    private readonly System.Collections.Concurrent.ConcurrentDictionary<AuthenticatedConnection, CancellationTokenSource> _sessions = new();
    private Socket? _socket;
    private Task? _acceptLoop;
    private ITimer? _idleSweep;

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

    /// <summary>Most connections held at once: <see cref="SecureListenerOptions.MaxConnections"/>, or fewer
    /// when the descriptor limit would run out first. Known once started.</summary>
    public int ConnectionLimit { get; private set; }

    /// <exception cref="PortInUseException">Another process listens on the port.</exception>
    public void Start()
    {
        var socket = ExclusivePort.Bind(_options.Endpoint, "edge listener");
        socket.Listen(backlog: 1024);
        _socket = socket;
        var descriptors = DescriptorLimit.RaiseSoftLimit();
        var open = DescriptorLimit.OpenDescriptors() ?? 0;
        ConnectionLimit = ConnectionCap.Derive(_options.MaxConnections, descriptors, open, _options.DescriptorReserve);
        _acceptLoop = AcceptLoopAsync(socket, _stopping.Token);
        if (_options.IdleTimeout != Timeout.InfiniteTimeSpan)
        {
            // A few sweeps per timeout: a silent session goes between one timeout and 1.25 of it.
            var period = TimeSpan.FromTicks(Math.Clamp(_options.IdleTimeout.Ticks / 4, TimeSpan.TicksPerMillisecond * 50, TimeSpan.TicksPerSecond * 15));
            _idleSweep = _options.Time.CreateTimer(_ => CloseIdleSessions(), null, period, period);
        }
        LogListening(_log, LocalEndpoint);
        LogConnectionLimit(_log, ConnectionLimit, _options.MaxConnections, descriptors?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unlimited",
            open, _options.DescriptorReserve);
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken stopping)
    {
        // Real time, whatever clock the node runs on: the pause waits for real descriptors to be freed,
        // and a test's manual clock must not stall the accept loop.
        var backoff = new AcceptBackoff(TimeProvider.System);
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stopping);
                backoff.Succeeded();
            }
            catch (OperationCanceledException) { break; }
            catch (ObjectDisposedException) { break; }
            catch (SocketException error)
            {
                // Out of descriptors (TooManyOpenSockets) or a peer reset before accept: never fatal, and
                // never retried at once, which would spin and flood the log while nothing frees a descriptor.
                var (delay, log, unlogged) = backoff.Failed();
                if (log)
                {
                    LogAcceptFailed(_log, error.SocketErrorCode, delay.TotalMilliseconds, unlogged, AcceptBackoff.LogWindow.TotalSeconds);
                }
                try
                {
                    await Task.Delay(delay, stopping);
                }
                catch (OperationCanceledException) { break; }
                continue;
            }

            if (OpenConnections >= ConnectionLimit)
            {
                RefuseOverLimit(client);
                continue;
            }

            client.NoDelay = true;
            DeadPeerProbes.Enable(client, _options.IdleTimeout);
            var task = ServeAsync(client, stopping);
            lock (_connectionsLock) { _connections.Add(task); }
            _ = task.ContinueWith(finished =>
            {
                lock (_connectionsLock) { _connections.Remove(finished); }
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>Refuses a connection over the cap as cheaply as possible: no TLS, and a reset instead of
    /// a close, so the refused connection leaves no TIME_WAIT entry behind. Counted; the counters log
    /// once per burst.</summary>
    private void RefuseOverLimit(Socket client)
    {
        EndPoint? remote = null;
        try
        {
            remote = client.RemoteEndPoint;
            client.LingerState = new LingerOption(true, 0);
        }
        catch (SocketException)
        {
            // Already gone.
        }
        client.Dispose();
        _rejections.Reject(null, RejectionReason.RateLimited, $"connection limit ({ConnectionLimit}) reached", remote);
    }

    private async Task ServeAsync(Socket socket, CancellationToken stopping)
    {
        await Task.Yield(); // never run a handshake on the accept loop's stack
        var remote = socket.RemoteEndPoint;
        await using var network = new NetworkStream(socket, ownsSocket: true);
        await using var tls = new SslStream(network, leaveInnerStreamOpen: false);
        var identity = await HandshakeAsync(socket, tls, remote, stopping);
        if (identity is null)
        {
            return;
        }

        LogConnected(_log, identity.Name, tls.SslProtocol, tls.NegotiatedCipherSuite);
        // The session ends when the node stops or when its peer has been silent too long.
        using var session = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var connection = new AuthenticatedConnection(tls, identity, _options.FrameLimits, _options.Time);
        _sessions[connection] = session;
        try
        {
            await using (connection)
            {
                await _handler.RunAsync(connection, session.Token);
            }
        }
        catch (Exception error) when (error is IOException or OperationCanceledException or ObjectDisposedException or System.Threading.Channels.ChannelClosedException)
        {
            // The peer went away or the node is stopping: an ordinary end of a connection.
        }
        catch (Exception error)
        {
            LogSessionFailed(_log, identity.Name, error);
        }
        finally
        {
            _sessions.TryRemove(connection, out _);
        }
        LogDisconnected(_log, identity.Name);
    }

    /// <summary>Ends every session whose peer has sent nothing for the idle timeout while its session
    /// waited for it (watchers heartbeat far more often; a console's open stream is exempt).</summary>
    private void CloseIdleSessions()
    {
        foreach (var (connection, session) in _sessions)
        {
            if (connection.IsIdleLongerThan(_options.IdleTimeout))
            {
                LogIdleClosed(_log, connection.Identity.Name, _options.IdleTimeout.TotalSeconds);
                try
                {
                    session.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // The session ended meanwhile.
                }
            }
        }
    }

    /// <summary>Runs the TLS handshake under a deadline and validates the client; returns null (after
    /// recording why) when the peer is refused.</summary>
    private async Task<ConnectionIdentity?> HandshakeAsync(Socket socket, SslStream tls, EndPoint? remote, CancellationToken stopping)
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
            // A TLS client speaks first, with a handshake record: anything else (HTTP, SSH, garbage) is
            // refused as not TLS before any TLS work is spent on it.
            var first = new byte[1];
            var peeked = await socket.ReceiveAsync(first, SocketFlags.Peek, deadline.Token);
            if (peeked == 0)
            {
                Refuse(null, RejectionReason.HandshakeFailed, "closed before the handshake", remote);
                return null;
            }
            if (first[0] != HandshakeRejections.HandshakeRecord)
            {
                Refuse(null, RejectionReason.NotTls, $"not a TLS handshake (first byte 0x{first[0]:x2})", remote);
                return null;
            }
            await tls.AuthenticateAsServerAsync(options, deadline.Token);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            Refuse(null, RejectionReason.HandshakeTimeout, $"no complete handshake within {_options.HandshakeTimeout.TotalSeconds:0.###} s", remote);
            return null;
        }
        catch (Exception error) when (error is AuthenticationException or IOException or Win32Exception or SocketException)
        {
            if (validation is { Ok: false } refused)
            {
                var reason = HandshakeRejections.ReasonFor(refused);
                // Only a certificate our CA signed (revoked, or outside its validity) is trusted to name its host.
                var host = HandshakeRejections.NamesItsHost(reason) ? claimedHost : null;
                Refuse(host, reason, refused.FailureReason, remote);
            }
            else
            {
                // No TLS 1.3 or not our application protocol, garbage after a handshake header, or an
                // aborted handshake: the peer never got as far as presenting a certificate.
                Refuse(null, HandshakeRejections.ReasonFor(error), "handshake failed: " + HandshakeRejections.Describe(error), remote);
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
            Refuse(null, RejectionReason.NoClientCertificate, "no client certificate", remote);
            return null;
        }
        return new ConnectionIdentity(identity, remote);
    }

    private void Refuse(string? hostId, RejectionReason reason, string detail, EndPoint? remote) =>
        _rejections.Reject(hostId, reason, detail, remote);

    public async ValueTask DisposeAsync()
    {
        if (_idleSweep is not null)
        {
            await _idleSweep.DisposeAsync();
        }
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

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Connections capped at {Limit} (max-connections {Configured}; descriptor limit {DescriptorLimit}, {Open} open at start, {Reserve} kept in reserve)")]
    private static partial void LogConnectionLimit(ILogger log, int limit, int configured, string descriptorLimit, int open, int reserve);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Accept failed: {Error}; retrying in {DelayMs} ms ({Unlogged} more failures in the previous {WindowSeconds} s not logged)")]
    private static partial void LogAcceptFailed(ILogger log, SocketError error, double delayMs, long unlogged, double windowSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closing {Connection}: nothing received for {Seconds} s (transport.idle-timeout)")]
    private static partial void LogIdleClosed(ILogger log, string connection, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected {Connection} ({Protocol}, {CipherSuite})")]
    private static partial void LogConnected(ILogger log, string connection, SslProtocols protocol, TlsCipherSuite cipherSuite);

    [LoggerMessage(Level = LogLevel.Information, Message = "Disconnected {Connection}")]
    private static partial void LogDisconnected(ILogger log, string connection);

    [LoggerMessage(Level = LogLevel.Error, Message = "Session {Connection} failed")]
    private static partial void LogSessionFailed(ILogger log, string connection, Exception error);
}
