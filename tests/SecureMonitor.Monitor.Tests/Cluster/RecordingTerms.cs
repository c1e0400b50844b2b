using System.Collections.Concurrent;
using SecureMonitor.Monitor.Cluster;

namespace SecureMonitor.Monitor.Tests.Cluster;

/// <summary>Records the terms an election begins and ends, and when (by the node's clock) each
/// stopped accepting.</summary>
public sealed class RecordingTerms(TimeProvider time) : ILeadershipTerms
{
    public ConcurrentQueue<long> Begun { get; } = new();

    public ConcurrentQueue<(long Epoch, string Reason)> Ended { get; } = new();

    /// <summary>Virtual time at which each term's "stop accepting" token fired.</summary>
    public ConcurrentDictionary<long, DateTimeOffset> StoppedAcceptingAt { get; } = new();

    public Task BeginTermAsync(long epoch, CancellationToken termEnding, CancellationToken cancellationToken)
    {
        termEnding.Register(() => StoppedAcceptingAt[epoch] = time.GetUtcNow());
        Begun.Enqueue(epoch);
        return Task.CompletedTask;
    }

    public Task EndTermAsync(long epoch, string reason)
    {
        Ended.Enqueue((epoch, reason));
        return Task.CompletedTask;
    }
}
