using SecureMonitor.Monitor.Cluster;

namespace SecureMonitor.TestKit.Monitors;

/// <summary>
/// A cluster view that never changes, for tests: most usefully a follower that names another node as
/// leader (<see cref="Follower"/>), to exercise the admin console's redirect without a second store.
/// </summary>
public sealed record StaticClusterState(string NodeId, string Endpoint, bool IsLeader, long Epoch, string? LeaderNodeId, string? LeaderEndpoint)
    : IClusterState
{
    /// <summary>A follower of the node <paramref name="leaderNodeId"/> at <paramref name="leaderEndpoint"/>.</summary>
    public static StaticClusterState Follower(string nodeId, string leaderNodeId, string? leaderEndpoint) =>
        new(nodeId, "127.0.0.1:0", IsLeader: false, Epoch: 0, leaderNodeId, leaderEndpoint);

    /// <summary>This node, and the leader it names.</summary>
    public IReadOnlyList<ClusterMemberView> Members =>
    [
        new(NodeId, "akka.tcp://monitor@127.0.0.1:0", Endpoint, "Up", true, IsLeader, true),
        .. LeaderNodeId is { } leader && leader != NodeId
            ? new[] { new ClusterMemberView(leader, "akka.tcp://monitor@127.0.0.2:0", LeaderEndpoint, "Up", true, true, false) }
            : [],
    ];
}
