using SecureMonitor.Pki;
using SecureMonitor.Protocol.Wire;

namespace SecureMonitor.Transport.Client;

/// <summary>How a watcher, admin console or simulator connects to a monitor.</summary>
public sealed class SecureClientOptions
{
    /// <summary>This client's certificate, key and the CA that must have signed the monitor.</summary>
    public required IdentityBundle Identity { get; init; }

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public FrameLimits FrameLimits { get; init; } = FrameLimits.Default;

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
