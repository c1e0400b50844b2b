namespace SecureMonitor.Monitor.Cluster;

/// <summary>A node that holds the lease for its whole life (one node, one store).</summary>
public sealed class SingleNodeClusterState(string nodeId, string endpoint, long epoch) : IClusterState
{
    public string NodeId => nodeId;

    public string Endpoint => endpoint;

    public bool IsLeader => true;

    public long Epoch => epoch;

    public string? LeaderNodeId => nodeId;

    public string? LeaderEndpoint => endpoint;
}
