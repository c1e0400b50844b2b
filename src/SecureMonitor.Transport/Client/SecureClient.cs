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
    // One context per identity certificate, made once: making it builds the certificate's chain, which a
    // reconnecting watcher would otherwise pay again on every attempt.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<X509Certificate2, SslStreamCertificateContext> CertificateContexts = new();

    // One validator per CA certificate, so a monitor certificate whose chain was found good is not rebuilt
    // on every reconnect (its validity, role and name are still checked each time).
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<X509Certificate2, ServerCertificateValidator> Validators = new();

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
            var validator = Validators.GetValue(options.Identity.CaCertificate, ca => new ServerCertificateValidator(ca));
            ValidationResult? refused = null;
            var clientOptions = new SslClientAuthenticationOptions
            {
                TargetHost = endpoint.Host,
                EnabledSslProtocols = TlsPolicy.Protocols,
                ClientCertificateContext = CertificateContexts.GetValue(options.Identity.Certificate,
                    certificate => SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true)),
                CertificateChainPolicy = validator.TlsChainPolicy(),
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
