namespace SecureMonitor.Monitor.Cluster;

/// <summary>One consistent snapshot of <see cref="IClusterState"/>, swapped whole so readers never
/// see a leader flag from one moment and a leader endpoint from another.</summary>
internal sealed record ClusterView(bool IsLeader, long Epoch, string? LeaderNodeId, string? LeaderEndpoint, IReadOnlyList<string> OtherEndpoints)
{
    public static readonly ClusterView Unknown = new(false, 0, null, null, []);
}
