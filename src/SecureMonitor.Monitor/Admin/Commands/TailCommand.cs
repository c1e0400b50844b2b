using System.Text.Json.Nodes;
using SecureMonitor.Transport;

namespace SecureMonitor.Monitor.Admin.Commands;

/// <summary>
/// <c>tail</c>: a live stream of stored alerts and incident changes until the console cancels it.
/// The feed exists where watchers deliver, so it runs on the leader (a follower sends the console there:
/// a stream is not forwarded).
/// </summary>
public sealed class TailCommand(AdminContext context) : AdminCommand(context, "tail", readOnly: true, leaderOnly: true)
{
    public override bool Forwardable => false;

    public override ValueTask<AdminOutput> ExecuteAsync(ConnectionIdentity caller, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        AdminArguments.Parse(arguments, "tail", (0, 0));
        Context.RequireLeader();
        JsonNode started = new JsonObject
        {
            ["type"] = "started",
            ["node"] = Context.Cluster.NodeId,
            ["at"] = AdminJson.Time(Context.Time.GetUtcNow()),
        };
        return ValueTask.FromResult(new AdminOutput(started, "live feed opened", Context.Feed.Subscribe()));
    }
}
