using Akka.Actor;
using Akka.Configuration;
using SecureMonitor.Transport;

namespace SecureMonitor.Monitor.Cluster;

/// <summary>
/// The settings of one node's place in the cluster, from its options: its cluster endpoint, and its
/// roles (<see cref="MonitorClusterRoles"/>). Everything shared by every node is in
/// hocon/common/akka-cluster.conf.
/// </summary>
public static class MonitorClusterConfig
{
    /// <summary>The ActorSystem name: every monitor node must use the same one to join.</summary>
    public const string SystemName = "monitor";

    public static Config For(MonitorOptions options, string edgeEndpoint)
    {
        var roles = string.Join(", ", MonitorClusterRoles.For(options.NodeId, edgeEndpoint).Select(Quote));
        return ConfigurationFactory.ParseString($$"""
            akka.remote.dot-netty.tcp.hostname = {{Quote(options.ClusterHostname)}}
            akka.remote.dot-netty.tcp.port = {{options.ClusterPort}}
            akka.cluster.roles = [{{roles}}]
            """);
    }

    /// <summary>The Akka address of a seed node named by its cluster endpoint, on this node's transport
    /// (<c>akka.ssl.tcp</c> with TLS on).</summary>
    public static Address SeedAddress(MonitorEndpoint seed, string protocol) => new(protocol, SystemName, seed.Host, seed.Port);

    // JSON string syntax is valid HOCON: no value of ours can break out of its quotes.
    private static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
