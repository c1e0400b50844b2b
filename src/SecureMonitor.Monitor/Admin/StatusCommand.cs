using System.Text.Json.Nodes;
using SecureMonitor.Monitor.Security;
using SecureMonitor.Protocol;
using SecureMonitor.Transport;

namespace SecureMonitor.Monitor.Admin;

/// <summary><c>status</c>: this node's identity, endpoint, uptime, refusal counters and heartbeats shed under overload.</summary>
public sealed class StatusCommand(MonitorNodeInfo node, RejectionCounters rejections, TimeProvider time) : IAdminCommand
{
    public string Name => "status";

    public bool ReadOnly => true;

    public ValueTask<JsonNode> ExecuteAsync(ConnectionIdentity caller, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var rejected = new JsonArray();
        foreach (var count in rejections.Snapshot())
        {
            rejected.Add(new JsonObject { ["host"] = count.Host, ["reason"] = count.Reason.ToMetricName(), ["count"] = count.Count });
        }
        var shedHosts = new JsonArray();
        var shedTotal = 0L;
        foreach (var (host, count) in rejections.ShedSnapshot())
        {
            shedHosts.Add(new JsonObject { ["host"] = host, ["count"] = count });
            shedTotal += count;
        }
        JsonNode status = new JsonObject
        {
            ["node"] = node.NodeId,
            ["endpoint"] = node.Endpoint,
            ["version"] = node.Version,
            ["startedAt"] = node.StartedAt.ToString("O"),
            ["uptimeSeconds"] = (long)(time.GetUtcNow() - node.StartedAt).TotalSeconds,
            ["caller"] = caller.Name,
            ["rejections"] = rejected,
            // Heartbeats acknowledged but not stored under overload (alerts are never shed).
            ["shedHeartbeats"] = new JsonObject { ["total"] = shedTotal, ["hosts"] = shedHosts },
        };
        return ValueTask.FromResult(status);
    }
}

/// <summary>Facts about this monitor node shown to operators.</summary>
public sealed record MonitorNodeInfo(string NodeId, string Endpoint, string Version, DateTimeOffset StartedAt);
