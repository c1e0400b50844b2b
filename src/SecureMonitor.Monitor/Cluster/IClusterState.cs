namespace SecureMonitor.Monitor.Cluster;

/// <summary>
/// This node's view of the cluster: whether the monitor singleton runs here (under the lease), and if
/// not, where. Read by sessions (followers answer "not leader; try X") and admin commands (reads are
/// served anywhere, changes only by the leader). It follows Akka's cluster state (gossip).
/// </summary>
public interface IClusterState
{
    string NodeId { get; }

    /// <summary>The endpoint watchers and consoles reach this node on (host:port).</summary>
    string Endpoint { get; }

    bool IsLeader { get; }

    /// <summary>The lease epoch this node writes under when leader; the last epoch seen otherwise.</summary>
    long Epoch { get; }

    /// <summary>The leader's node id, or null when no node holds the lease.</summary>
    string? LeaderNodeId { get; }

    /// <summary>The leader's endpoint (host:port), or null when no node holds the lease.</summary>
    string? LeaderEndpoint { get; }

    /// <summary>The cluster's members as this node sees them.</summary>
    IReadOnlyList<ClusterMemberView> Members { get; }
}
