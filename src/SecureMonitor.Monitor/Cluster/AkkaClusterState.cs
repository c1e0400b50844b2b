using Akka.Actor;
using Akka.Cluster;

namespace SecureMonitor.Monitor.Cluster;

/// <summary>
/// This node's view of the monitor cluster, read from Akka's cluster state: the singleton runs on the
/// oldest up monitor node (ClusterSingletonManager's rule), so that node's edge endpoint is where
/// watchers are sent. <see cref="IsLeader"/> is true only while this node runs a term (the singleton
/// started here, under the lease).
/// </summary>
public sealed class AkkaClusterState(ActorSystem system, string nodeId, string edgeEndpoint, Func<long?> termEpoch) : IClusterState
{
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(system);

    public string NodeId => nodeId;

    public string Endpoint => edgeEndpoint;

    public bool IsLeader => termEpoch() is not null;

    public long Epoch => termEpoch() ?? 0;

    /// <summary>The node the singleton runs on (or is about to), by cluster state; null before the cluster formed.</summary>
    public Member? SingletonMember =>
        UpMonitors().Aggregate((Member?)null, (oldest, member) => oldest is null || member.IsOlderThan(oldest) ? member : oldest);

    public string? LeaderNodeId => SingletonMember is { } member ? MonitorClusterRoles.NodeIdOf(member) : null;

    public string? LeaderEndpoint => SingletonMember is { } member ? MonitorClusterRoles.EdgeEndpointOf(member) : null;

    /// <summary>Where to send a watcher this node cannot serve: the singleton's node, or with none known,
    /// every other reachable monitor.</summary>
    public IReadOnlyList<string> RedirectEndpoints
    {
        get
        {
            if (LeaderEndpoint is { } leader && !string.Equals(leader, edgeEndpoint, StringComparison.Ordinal))
            {
                return [leader];
            }
            return [.. UpMonitors().Select(MonitorClusterRoles.EdgeEndpointOf).OfType<string>()
                .Where(endpoint => !string.Equals(endpoint, edgeEndpoint, StringComparison.Ordinal))];
        }
    }

    /// <summary>Whether another reachable monitor node is up (one that could take the singleton over).</summary>
    public bool HasOtherMonitor => UpMonitors().Any(member => !member.Address.Equals(_cluster.SelfAddress));

    /// <summary>Every member Akka knows, with its state, for <c>cluster members</c>.</summary>
    public IReadOnlyList<ClusterMemberView> Members
    {
        get
        {
            var state = _cluster.State;
            var singleton = SingletonMember;
            return [.. state.Members.Select(member => new ClusterMemberView(
                MonitorClusterRoles.NodeIdOf(member) ?? member.Address.ToString(),
                member.Address.ToString(),
                MonitorClusterRoles.EdgeEndpointOf(member),
                member.Status.ToString(),
                !state.Unreachable.Contains(member),
                singleton is not null && member.Equals(singleton),
                member.Address.Equals(_cluster.SelfAddress)))];
        }
    }

    private IEnumerable<Member> UpMonitors()
    {
        var state = _cluster.State;
        return state.Members.Where(member => (member.Status == MemberStatus.Up || member.Status == MemberStatus.Leaving)
            && member.HasRole(MonitorClusterRoles.Monitor) && !state.Unreachable.Contains(member));
    }
}

/// <summary>One cluster member as <c>cluster members</c> shows it.</summary>
public sealed record ClusterMemberView(string NodeId, string Address, string? EdgeEndpoint, string Status, bool Reachable, bool Singleton, bool Self);
