using SecureMonitor.Pki;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Transport;

namespace SecureMonitor.Watcher.Delivery;

/// <summary>What the sender needs: who we are, where the monitors are, and its pacing.</summary>
public sealed record SenderOptions
{
    public required IdentityBundle Identity { get; init; }
    public required IReadOnlyList<MonitorEndpoint> Monitors { get; init; }
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromMilliseconds(250);
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a monitor may answer nothing while acknowledgements (or the hello's answer) are due
    /// before the link is given up for the next monitor.</summary>
    public TimeSpan SilenceTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public FrameLimits FrameLimits { get; init; } = FrameLimits.Default;

    /// <summary>Envelopes sent but not yet acknowledged, at most; bounds memory and the resend burst.</summary>
    public int MaxInFlight { get; init; } = 512;

    /// <summary>The clock of the TLS client (certificate validity); the actor's own timing is Akka's scheduler.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    public string AgentVersion { get; init; } = typeof(SenderOptions).Assembly.GetName().Version?.ToString(3) ?? "0";
}
