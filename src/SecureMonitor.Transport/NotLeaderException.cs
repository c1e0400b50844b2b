namespace SecureMonitor.Transport;

/// <summary>The monitor reached does not serve watchers now and named where to go instead (a follower of the
/// monitor cluster answering "not leader; try X"). A client goes there at once rather than backing off.</summary>
public sealed class NotLeaderException(MonitorEndpoint reached, string? leaderNode, IReadOnlyList<MonitorEndpoint> tryEndpoints)
    : TransportException($"monitor {reached} is not the leader{(leaderNode is null ? "" : $" ({leaderNode} is)")}; try {(tryEndpoints.Count == 0 ? "later" : string.Join(", ", tryEndpoints))}")
{
    public string? LeaderNode { get; } = leaderNode;

    /// <summary>Where the monitor said to go, best first; empty while it knows no leader.</summary>
    public IReadOnlyList<MonitorEndpoint> TryEndpoints { get; } = tryEndpoints;
}
