using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using SecureMonitor.Pki;

namespace SecureMonitor.Transport.Client;

/// <summary>
/// Opens a TLS 1.3 connection to a monitor, presenting this client's certificate and accepting
/// only a monitor certificate from the same CA for the name dialled.
/// <code>[Socket] &lt;== [NetworkStream] &lt;== [SslStream] &lt;== frames (FramedConnection)</code>
/// </summary>
public static class SecureClient
{
    public static async Task<FramedConnection> ConnectAsync(MonitorEndpoint endpoint, SecureClientOptions options,
        CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.ConnectTimeout);

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        SslStream? tls = null;
        try
        {
            await socket.ConnectAsync(endpoint.Host, endpoint.Port, deadline.Token);
            tls = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
            var validator = new ServerCertificateValidator(options.Identity.CaCertificate);
            ValidationResult? refused = null;
            var clientOptions = new SslClientAuthenticationOptions
            {
                TargetHost = endpoint.Host,
                EnabledSslProtocols = TlsPolicy.Protocols,
                ClientCertificateContext = SslStreamCertificateContext.Create(options.Identity.Certificate, additionalCertificates: null, offline: true),
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                ApplicationProtocols = [TlsPolicy.Alpn],
                AllowRenegotiation = false,
                RemoteCertificateValidationCallback = validator.ToCallback(options.Time, endpoint.Host, rejected => refused = rejected),
            };
            try
            {
                await tls.AuthenticateAsClientAsync(clientOptions, deadline.Token);
            }
            catch (Exception error) when (refused is { FailureReason: { } reason })
            {
                throw new TransportException($"monitor {endpoint} refused: its certificate is {reason}", error);
            }
            return new FramedConnection(tls, options.FrameLimits);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await DisposeAsync(tls, socket);
            throw new TransportException($"could not connect to {endpoint} within {options.ConnectTimeout.TotalSeconds:0.###} s");
        }
        catch (Exception error) when (error is SocketException or IOException or System.Security.Authentication.AuthenticationException)
        {
            await DisposeAsync(tls, socket);
            throw new TransportException($"could not connect to {endpoint}: {error.Message}", error);
        }
        catch
        {
            await DisposeAsync(tls, socket);
            throw;
        }
    }

    private static async ValueTask DisposeAsync(SslStream? tls, Socket socket)
    {
        if (tls is not null)
        {
            await tls.DisposeAsync();
        }
        socket.Dispose();
    }
}
