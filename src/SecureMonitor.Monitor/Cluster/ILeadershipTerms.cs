namespace SecureMonitor.Monitor.Cluster;

/// <summary>What a node does when it wins or loses the lease; implemented by the node.</summary>
public interface ILeadershipTerms
{
    /// <summary>
    /// Restores state from the store and starts the leader-only parts, writing under
    /// <paramref name="epoch"/>. Traffic is accepted only after this completes; a failure gives the
    /// lease back. <paramref name="termEnding"/> is cancelled the moment the node must stop accepting
    /// (possibly before <see cref="EndTermAsync"/> runs): watcher sessions are linked to it.
    /// </summary>
    Task BeginTermAsync(long epoch, CancellationToken termEnding, CancellationToken cancellationToken);

    /// <summary>Stops the leader-only parts; by now <c>termEnding</c> is already cancelled.</summary>
    Task EndTermAsync(long epoch, string reason);
}
