using System.Text.Json.Nodes;
using SecureMonitor.Transport;

namespace SecureMonitor.Monitor.Admin.Commands;

/// <summary><c>cluster members</c>: Akka's view of the members (status, reachability, where the singleton
/// runs), and which one holds the store's lease.</summary>
public sealed class ClusterMembersCommand(AdminContext context) : AdminCommand(context, "cluster.members", readOnly: true, leaderOnly: false)
{
    public override async ValueTask<AdminOutput> ExecuteAsync(ConnectionIdentity caller, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        AdminArguments.Parse(arguments, "cluster members", (0, 0));
        var lease = await Context.Store.ReadLeaseAsync(cancellationToken);
        var held = lease.IsHeldAt(Context.Time.GetUtcNow());
        var rows = AdminJson.Array(Context.Cluster.Members, member => new JsonObject
        {
            ["node"] = member.NodeId,
            ["endpoint"] = member.EdgeEndpoint,
            ["clusterAddress"] = member.Address,
            ["status"] = member.Status.ToLowerInvariant(),
            ["reachable"] = member.Reachable,
            ["singleton"] = member.Singleton,
            ["leader"] = held && member.EdgeEndpoint is not null && lease.Endpoint == member.EdgeEndpoint,
            ["self"] = member.Self,
        });
        return new JsonObject { ["members"] = rows };
    }
}

/// <summary><c>cluster leader</c>: where the singleton runs by cluster state, and the lease as stored
/// (holder, epoch, expiry).</summary>
public sealed class ClusterLeaderCommand(AdminContext context) : AdminCommand(context, "cluster.leader", readOnly: true, leaderOnly: false)
{
    public override async ValueTask<AdminOutput> ExecuteAsync(ConnectionIdentity caller, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        AdminArguments.Parse(arguments, "cluster leader", (0, 0));
        var lease = await Context.Store.ReadLeaseAsync(cancellationToken);
        var cluster = Context.Cluster;
        return new JsonObject
        {
            ["leaderNode"] = cluster.LeaderNodeId,
            ["leaderEndpoint"] = cluster.LeaderEndpoint,
            ["epoch"] = cluster.Epoch,
            ["answeredBy"] = cluster.NodeId,
            ["answeredByLeader"] = cluster.IsLeader,
            ["lease"] = new JsonObject
            {
                ["holder"] = lease.Holder,
                ["endpoint"] = lease.Endpoint,
                ["epoch"] = lease.Epoch,
                ["expiresAt"] = AdminJson.Time(lease.ExpiresAt),
                ["held"] = lease.IsHeldAt(Context.Time.GetUtcNow()),
            },
        };
    }
}
