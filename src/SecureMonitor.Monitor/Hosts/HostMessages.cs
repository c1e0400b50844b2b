using Akka.Actor;
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
/// hosts actor gets one of these per commit rather than one message per alert, passes each host its
/// own part, and answers <see cref="BatchCorrelated"/> once the correlator has taken every alert in it.
/// </summary>
public sealed record StoredBatch(IReadOnlyList<Persistence.StoredEvent> Events);

/// <summary>The answer to <see cref="StoredBatch"/>: every alert of the batch is in the correlator. The
/// writer keeps a bounded number of batches unanswered, so a slow correlator slows the writer (and
/// through its queue the connections) instead of anything being dropped or piling up in a mailbox.</summary>
public sealed record BatchCorrelated
{
    public static readonly BatchCorrelated Instance = new();
}

/// <summary>One host's part of a <see cref="StoredBatch"/>, numbered by the hosts actor.</summary>
internal sealed record HostBatch(long Id, IReadOnlyList<Persistence.StoredEvent> Events);

/// <summary>A host's part of batch <see cref="Id"/> is done: its alerts are in the correlator.</summary>
internal sealed record HostBatchDone(long Id);

/// <summary>A verified heartbeat the node shed under overload: not stored, but the host is alive.</summary>
public sealed record HostSeen(string HostId, DateTimeOffset At);
