using System.Text.Json.Nodes;
using SecureMonitor.Protocol;
using SecureMonitor.Transport;

namespace SecureMonitor.Monitor.Admin.Commands;

/// <summary><c>status</c>: this node's identity, role in the cluster, uptime, refusal counters and heartbeats shed under overload.</summary>
public sealed class StatusCommand(AdminContext context) : AdminCommand(context, "status", readOnly: true, leaderOnly: false)
{
    public override ValueTask<AdminOutput> ExecuteAsync(ConnectionIdentity caller, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        AdminArguments.Parse(arguments, "status", (0, 0));
        var node = Context.Node;
        var cluster = Context.Cluster;
        var rejected = AdminJson.Array(Context.Rejections.Snapshot(),
            count => new JsonObject { ["host"] = count.Host, ["reason"] = count.Reason.ToMetricName(), ["count"] = count.Count });
        var shed = Context.Rejections.ShedSnapshot();
        JsonNode status = new JsonObject
        {
            ["node"] = node.NodeId,
            ["endpoint"] = node.Endpoint,
            ["version"] = node.Version,
            ["startedAt"] = AdminJson.Time(node.StartedAt),
            ["uptimeSeconds"] = (long)(Context.Time.GetUtcNow() - node.StartedAt).TotalSeconds,
            ["role"] = cluster.IsLeader ? "leader" : "follower",
            ["epoch"] = cluster.Epoch,
            ["leaderNode"] = cluster.LeaderNodeId,
            ["leaderEndpoint"] = cluster.LeaderEndpoint,
            ["connectedWatchers"] = Context.Leader?.Watchers.ConnectedHosts.Count,
            ["tailSubscribers"] = Context.Feed.SubscriberCount,
            ["caller"] = caller.Name,
            ["rejections"] = rejected,
            // Heartbeats acknowledged but not stored under overload (alerts are never shed).
            ["shedHeartbeats"] = new JsonObject
            {
                ["total"] = shed.Sum(entry => entry.Count),
                ["hosts"] = AdminJson.Array(shed, entry => new JsonObject { ["host"] = entry.Host, ["count"] = entry.Count }),
            },
        };
        return ValueTask.FromResult<AdminOutput>(status);
    }
}
