using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Transport;

namespace SecureMonitor.TestKit.Monitors;

/// <summary>
/// Peers that do what a real watcher never does, over real sockets on loopback: plaintext, garbage,
/// silence, an old TLS version, a missing or foreign client certificate. Each returns only once
/// the monitor has closed the connection (or fails after its bound), so the monitor's rejection
/// has been counted by then: it counts before it closes.
/// </summary>
public static class HostilePeers
{
    /// <summary>Connects, writes <paramref name="bytes"/> (a write cut short by the monitor's close is
    /// part of the outcome) and waits for the monitor to close the connection.</summary>
    public static async Task<RawOutcome> SendAndWaitForCloseAsync(IPEndPoint monitor, ReadOnlyMemory<byte> bytes, TimeSpan? within = null)
    {
        var limit = within ?? Eventually.DefaultWithin;
        using var deadline = new CancellationTokenSource(limit);
        using var socket = new Socket(monitor.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(monitor, deadline.Token);
        var started = Stopwatch.GetTimestamp();
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var writeCutShort = false;
        try
        {
            await stream.WriteAsync(bytes, deadline.Token);
        }
        catch (IOException)
        {
            writeCutShort = true; // the monitor closed while we were still writing
        }
        var (received, reset) = await ReadUntilClosedAsync(stream, limit, deadline.Token);
        return new RawOutcome(received, reset, writeCutShort, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Connects and sends nothing: the monitor must close the connection after its handshake
    /// timeout. <see cref="RawOutcome.Elapsed"/> says how long that took.</summary>
    public static Task<RawOutcome> ConnectSilentlyAndWaitForCloseAsync(IPEndPoint monitor, TimeSpan? within = null) =>
        SendAndWaitForCloseAsync(monitor, ReadOnlyMemory<byte>.Empty, within);

    /// <summary>
    /// Attempts a TLS handshake the way a misconfigured or hostile client would: with
    /// <paramref name="clientCertificate"/> (or none), speaking only <paramref name="protocols"/>, and
    /// accepting any server certificate (these probes test the monitor's checks, not the client's).
    /// If the handshake completes on the client side (with TLS 1.3 the client finishes before the
    /// server has judged its certificate), sends a hello and reads, to learn of the refusal. Returns
    /// after the monitor has closed the TCP connection.
    /// </summary>
    public static async Task<TlsAttempt> AttemptTlsAsync(IPEndPoint monitor, X509Certificate2? clientCertificate, SslProtocols protocols,
        TimeSpan? within = null)
    {
        var limit = within ?? Eventually.DefaultWithin;
        using var deadline = new CancellationTokenSource(limit);
        using var socket = new Socket(monitor.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(monitor, deadline.Token);
        await using var network = new NetworkStream(socket, ownsSocket: false);
        Exception? handshakeError = null;
        Exception? afterHandshakeError = null;
        var handshakeCompleted = false;
        var frameReceived = false;
        await using (var tls = new SslStream(network, leaveInnerStreamOpen: true))
        {
            try
            {
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = "localhost",
                    EnabledSslProtocols = protocols,
                    // Offered whatever the server asks for: a client holding a foreign certificate presents it.
                    LocalCertificateSelectionCallback = clientCertificate is null ? null : (_, _, _, _, _) => clientCertificate,
                    ApplicationProtocols = [TlsPolicy.Alpn],
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    RemoteCertificateValidationCallback = (_, _, _, _) => true,
                }, deadline.Token);
                handshakeCompleted = true;
            }
            catch (Exception error) when (error is AuthenticationException or IOException)
            {
                handshakeError = error;
            }

            if (handshakeCompleted)
            {
                try
                {
                    await using var framed = new FramedConnection(tls, FrameLimits.Default);
                    await framed.SendAsync(Frames.Hello("probe", "hostile-peer"), deadline.Token);
                    var read = await framed.ReadAsync(deadline.Token);
                    frameReceived = read.IsFrame;
                }
                catch (Exception error) when (error is AuthenticationException or IOException)
                {
                    afterHandshakeError = error;
                }
            }
        }

        var (_, reset) = await ReadUntilClosedAsync(network, limit, deadline.Token);
        return new TlsAttempt(handshakeCompleted, handshakeError, afterHandshakeError, frameReceived, reset);
    }

    private static async Task<(int Received, bool Reset)> ReadUntilClosedAsync(Stream stream, TimeSpan limit, CancellationToken deadline)
    {
        var buffer = new byte[4096];
        var received = 0;
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer, deadline);
                if (read == 0)
                {
                    return (received, false);
                }
                received += read;
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TestKitAssertionException($"The monitor did not close the connection within {limit.TotalSeconds:0.###} s.");
        }
        catch (IOException)
        {
            return (received, true);
        }
        catch (ObjectDisposedException)
        {
            return (received, true);
        }
    }
}

/// <summary>How the monitor ended a raw connection: bytes it sent before closing (a TLS alert, say),
/// whether it reset rather than closed, whether it closed while we were still writing, and when.</summary>
public sealed record RawOutcome(int BytesReceived, bool Reset, bool WriteCutShort, TimeSpan Elapsed);

/// <summary>The outcome of <see cref="HostilePeers.AttemptTlsAsync"/>. The client was refused when it
/// never got a frame from the monitor; the errors say how it learned (null when it did not).</summary>
public sealed record TlsAttempt(bool HandshakeCompletedOnClient, Exception? HandshakeError, Exception? AfterHandshakeError,
    bool FrameReceived, bool Reset)
{
    public bool Refused => !FrameReceived;

    public override string ToString() =>
        $"handshake {(HandshakeCompletedOnClient ? "completed on the client" : "failed: " + HandshakeError?.Message)}" +
        (AfterHandshakeError is null ? "" : $"; then: {AfterHandshakeError.Message}") +
        $"; frame received: {FrameReceived}; reset: {Reset}";
}
