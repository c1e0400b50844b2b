namespace SecureMonitor.Monitor.Cluster;

/// <summary>
/// Timing of the leader lease. The leader renews every <see cref="RenewInterval"/> and steps down
/// once <see cref="StepDownMargin"/> is all that is left of its last successful renewal, so it has
/// stopped accepting traffic before any other node can take the lease (which needs it expired).
/// Followers try to take a free or expired lease every <see cref="RenewInterval"/>.
/// </summary>
public sealed record LeaderElectionOptions
{
    public required string NodeId { get; init; }

    /// <summary>host:port that watchers and consoles redirected here should dial.</summary>
    public required string Endpoint { get; init; }

    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(3);

    public TimeSpan RenewInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>What is left of the lease when an unrenewed leader steps down: covers a renewal in
    /// flight and clock drift between nodes.</summary>
    public TimeSpan StepDownMargin => RenewInterval > LeaseDuration / 5 ? RenewInterval : LeaseDuration / 5;

    /// <exception cref="ArgumentException">The renewal interval leaves no room to renew in time.</exception>
    public void Validate()
    {
        if (RenewInterval <= TimeSpan.Zero || LeaseDuration < RenewInterval * 3)
        {
            throw new ArgumentException(
                $"the lease ({LeaseDuration.TotalMilliseconds:0} ms) must be at least three renewal intervals ({RenewInterval.TotalMilliseconds:0} ms)");
        }
    }
}
