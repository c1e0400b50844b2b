using SecureMonitor.Analysis.Liveness;

namespace SecureMonitor.Monitor.Hosts;

/// <summary>Asks the hosts actor for every host's liveness (for status and tests).</summary>
public sealed record GetHostStates
{
    public static readonly GetHostStates Instance = new();
}

public sealed record HostState(string HostId, HostLivenessState Liveness, DateTimeOffset? LastHeartbeat);

public sealed record HostStates(IReadOnlyList<HostState> Hosts);

internal sealed record EvaluateLiveness
{
    public static readonly EvaluateLiveness Instance = new();
}

/// <summary>A host changed liveness state (published for logs and, for Down, as an alert).</summary>
public sealed record HostLivenessChanged(string HostId, HostLivenessState From, HostLivenessState To, DateTimeOffset At, TimeSpan Silence);

/// <summary>
/// Stored messages of one group commit, in commit order (so each host's in sequence order): the
/// hosts actor gets one of these per commit rather than one message per alert, and passes each host
/// its own part.
/// </summary>
public sealed record StoredBatch(IReadOnlyList<Persistence.StoredEvent> Events);

/// <summary>A verified heartbeat the node shed under overload: not stored, but the host is alive.</summary>
public sealed record HostSeen(string HostId, DateTimeOffset At);
