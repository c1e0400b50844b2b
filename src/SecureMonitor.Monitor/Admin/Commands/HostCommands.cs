using Akka.Actor;
using System.Text.Json.Nodes;
using SecureMonitor.Monitor.Hosts;
using SecureMonitor.Storage;
using SecureMonitor.Transport;

namespace SecureMonitor.Monitor.Admin.Commands;

/// <summary>
/// <c>hosts</c>: every host the store knows, with liveness and connection where this node can tell
/// (the leader's host actors and sessions; a follower shows what its store says).
/// </summary>
public sealed class HostsCommand(AdminContext context) : AdminCommand(context, "hosts", readOnly: true, leaderOnly: false)
{
    public override async ValueTask<AdminOutput> ExecuteAsync(ConnectionIdentity caller, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        AdminArguments.Parse(arguments, "hosts", (0, 0));
        var view = await HostView.LoadAsync(Context, cancellationToken);
        return new JsonObject
        {
            ["livenessKnown"] = view.LivenessKnown,
            ["hosts"] = AdminJson.Array(view.Hosts, host => view.ToJson(host)),
        };
    }
}

/// <summary><c>host ID</c>: one host in detail: its record, keys (metadata only), thresholds and latest alerts.</summary>
public sealed class HostCommand(AdminContext context) : AdminCommand(context, "host", readOnly: true, leaderOnly: false)
{
    public override async ValueTask<AdminOutput> ExecuteAsync(ConnectionIdentity caller, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var parsed = AdminArguments.Parse(arguments, "host ID", (1, 1));
        var hostId = HostId(parsed, parsed.Positionals[0]);
        var view = await HostView.LoadAsync(Context, cancellationToken);
        var record = view.Hosts.FirstOrDefault(host => host.HostId == hostId);
        var keys = Context.Pki.KeysOf(hostId);
        if (record is null && keys.Count == 0)
        {
            throw new AdminCommandException($"unknown host '{hostId}': the monitor has not heard from it and the PKI issued it no key");
        }
        var now = Context.Time.GetUtcNow();
        var alerts = await Context.Store.ListAlertsAsync(new AlertQuery { Host = hostId, Limit = 10 }, cancellationToken);
        var plan = new Thresholds.ThresholdPlan(Context.ThresholdBaseline, await Context.Store.ListThresholdSettingsAsync(cancellationToken));
        return new JsonObject
        {
            ["host"] = hostId,
            ["seen"] = record is null ? null : view.ToJson(record),
            ["keys"] = AdminJson.Array(keys, key => new JsonObject
            {
                ["keyId"] = key.KeyId,
                ["state"] = key.StateAt(now).ToString().ToLowerInvariant(),
                ["createdAt"] = AdminJson.Time(key.CreatedAt),
                ["retiresAt"] = AdminJson.Time(key.RetiresAt),
                ["revokedAt"] = AdminJson.Time(key.RevokedAt),
            }),
            ["thresholdsRevision"] = plan.RevisionFor(hostId),
            ["thresholdsApplied"] = view.Applied.GetValueOrDefault(hostId)?.Revision,
            ["recentAlerts"] = AdminJson.Array(alerts, AlertsCommand.ToJson),
        };
    }
}

/// <summary>The hosts as the store has them, joined with what the leader knows live.</summary>
internal sealed record HostView(IReadOnlyList<HostRecord> Hosts, IReadOnlyDictionary<string, HostState>? Liveness,
    IReadOnlyCollection<string>? Connected, IReadOnlyDictionary<string, ThresholdsAppliedRecord> Applied)
{
    public bool LivenessKnown => Liveness is not null;

    public static async Task<HostView> LoadAsync(AdminContext context, CancellationToken cancellationToken)
    {
        var hosts = await context.Store.ListHostsAsync(cancellationToken);
        var applied = (await context.Store.ListThresholdsAppliedAsync(cancellationToken)).ToDictionary(record => record.HostId, StringComparer.Ordinal);
        if (context is not { Cluster.IsLeader: true, Leader: { } leader })
        {
            return new HostView(hosts, null, null, applied);
        }
        var states = await leader.Hosts.Ask<HostStates>(GetHostStates.Instance, AdminCommand.AskTimeout, cancellationToken);
        return new HostView(hosts, states.Hosts.ToDictionary(state => state.HostId, StringComparer.Ordinal), leader.Watchers.ConnectedHosts, applied);
    }

    public JsonObject ToJson(HostRecord host) => new()
    {
        ["host"] = host.HostId,
        ["liveness"] = Liveness is null ? null : Liveness.TryGetValue(host.HostId, out var state) ? state.Liveness.ToString().ToLowerInvariant() : "unknown",
        ["connected"] = Connected?.Contains(host.HostId),
        ["firstSeen"] = AdminJson.Time(host.FirstSeen),
        ["lastSeen"] = AdminJson.Time(host.LastSeen),
        ["lastHeartbeat"] = AdminJson.Time(host.LastHeartbeat),
        ["sequence"] = host.HighWaterMark,
        ["thresholdsApplied"] = Applied.GetValueOrDefault(host.HostId)?.Revision,
    };
}
