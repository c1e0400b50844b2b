using System.Text.Json.Nodes;
using SecureMonitor.Transport;

namespace SecureMonitor.Monitor.Admin.Commands;

/// <summary><c>cluster members</c>: the nodes registered in the store, which one holds the lease, which one answered.</summary>
public sealed class ClusterMembersCommand(AdminContext context) : AdminCommand(context, "cluster.members", readOnly: true, leaderOnly: false)
{
    public override async ValueTask<AdminOutput> ExecuteAsync(ConnectionIdentity caller, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        AdminArguments.Parse(arguments, "cluster members", (0, 0));
        var members = await Context.Store.ListMembersAsync(cancellationToken);
        var lease = await Context.Store.ReadLeaseAsync(cancellationToken);
        var now = Context.Time.GetUtcNow();
        var self = Context.Cluster.NodeId;
        var rows = AdminJson.Array(members, member => new JsonObject
        {
            ["node"] = member.NodeId,
            ["endpoint"] = member.Endpoint,
            ["joinedAt"] = AdminJson.Time(member.JoinedAt),
            ["heartbeatAt"] = AdminJson.Time(member.HeartbeatAt),
            ["leader"] = lease.IsHeldAt(now) && lease.Holder == member.NodeId,
            ["self"] = member.NodeId == self,
        });
        if (members.All(member => member.NodeId != self))
        {
            // Membership registration comes with the cluster; until a node registers, show the one that answered.
            rows.Add(new JsonObject
            {
                ["node"] = self,
                ["endpoint"] = Context.Cluster.Endpoint,
                ["joinedAt"] = AdminJson.Time(Context.Node.StartedAt),
                ["heartbeatAt"] = null,
                ["leader"] = Context.Cluster.IsLeader,
                ["self"] = true,
            });
        }
        return new JsonObject { ["members"] = rows };
    }
}

/// <summary><c>cluster leader</c>: the lease as stored, and this node's view of who leads.</summary>
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
