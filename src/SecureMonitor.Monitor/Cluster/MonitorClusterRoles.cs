using Akka.Cluster;

namespace SecureMonitor.Monitor.Cluster;

/// <summary>
/// What a monitor node tells the cluster about itself, as Akka roles: every node has the role
/// <see cref="Monitor"/>, and carries its node id and its edge endpoint (where watchers and consoles
/// reach it), so any node can send a watcher to the singleton's node from cluster state alone.
/// </summary>
public static class MonitorClusterRoles
{
    public const string Monitor = "monitor";

    private const string NodePrefix = "node=";
    private const string EdgePrefix = "edge=";

    public static IReadOnlyList<string> For(string nodeId, string edgeEndpoint) => [Monitor, NodePrefix + nodeId, EdgePrefix + edgeEndpoint];

    public static string? NodeIdOf(Member member) => ValueOf(member, NodePrefix);

    public static string? EdgeEndpointOf(Member member) => ValueOf(member, EdgePrefix);

    private static string? ValueOf(Member member, string prefix) =>
        member.Roles.FirstOrDefault(role => role.StartsWith(prefix, StringComparison.Ordinal)) is { } role ? role[prefix.Length..] : null;
}
