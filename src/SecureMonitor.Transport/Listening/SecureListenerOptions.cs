using System.Net;
using System.Security.Cryptography.X509Certificates;
using SecureMonitor.Pki;
using SecureMonitor.Protocol.Wire;

namespace SecureMonitor.Transport.Listening;

/// <summary>Settings of a <see cref="SecureListener"/>. Secure by default: there is no switch to
/// accept a client without a certificate or to speak anything but TLS 1.3.</summary>
public sealed class SecureListenerOptions
{
    public required IPEndPoint Endpoint { get; init; }

    /// <summary>This node's certificate, with its private key.</summary>
    public required X509Certificate2 ServerCertificate { get; init; }

    /// <summary>Decides whether a client certificate chains to the project CA, is not revoked and
    /// carries a role.</summary>
    public required ClientCertificateValidator ClientValidator { get; init; }

    /// <summary>A handshake not finished within this time is dropped (slowloris defence).</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest frame a client may send.</summary>
    public FrameLimits FrameLimits { get; init; } = FrameLimits.Default;

    /// <summary>Connections beyond this are closed at once, before any TLS work. The listener lowers it
    /// further when the descriptor limit would run out first (<see cref="ConnectionCap"/>).</summary>
    public int MaxConnections { get; init; } = 20_000;

    /// <summary>Descriptors kept free for the node's own later use (assemblies it loads, store and
    /// cluster connections) when the connection cap is derived from the descriptor limit.</summary>
    public int DescriptorReserve { get; init; } = 128;

    /// <summary>An authenticated session whose peer sends no frame for this long is closed (watchers
    /// send heartbeats; a session holding a stream open is exempt, see
    /// <see cref="AuthenticatedConnection.KeepOpenWhileIdle"/>). <see cref="Timeout.InfiniteTimeSpan"/>: never.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Clock for certificate validity and revocation decisions.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
