using Akka.Actor;
using System.Text.Json.Nodes;
using SecureMonitor.Monitor.Incidents;
using SecureMonitor.Storage;
using SecureMonitor.Transport;

namespace SecureMonitor.Monitor.Admin.Commands;

/// <summary><c>incidents [--open] [--limit N]</c>: incidents, most recently opened first.</summary>
public sealed class IncidentsCommand(AdminContext context) : AdminCommand(context, "incidents", readOnly: true, leaderOnly: false)
{
    public override async ValueTask<AdminOutput> ExecuteAsync(ConnectionIdentity caller, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var parsed = AdminArguments.Parse(arguments, "incidents [--open] [--limit N]", (0, 0), ["--limit"], ["--open"]);
        var limit = parsed.Int32("--limit", 50, 1, AlertQuery.MaxLimit);
        var incidents = await Context.Store.ListIncidentsAsync(parsed.Flag("--open"), cancellationToken);
        return new JsonObject { ["incidents"] = AdminJson.Array(incidents.Take(limit), ToJson) };
    }

    public static JsonNode ToJson(IncidentRecord incident) => new JsonObject
    {
        ["id"] = incident.Id,
        ["state"] = incident.State.ToString().ToLowerInvariant(),
        ["kinds"] = AdminJson.Strings(incident.Kinds),
        ["openedAt"] = AdminJson.Time(incident.OpenedAt),
        ["lastEvidenceAt"] = AdminJson.Time(incident.LastEvidenceAt),
        ["resolvedAt"] = AdminJson.Time(incident.ResolvedAt),
        ["acknowledgedBy"] = incident.AcknowledgedBy,
        ["acknowledgedAt"] = AdminJson.Time(incident.AcknowledgedAt),
        ["note"] = incident.AcknowledgementNote,
        ["hosts"] = AdminJson.Strings(incident.Hosts),
        ["metrics"] = AdminJson.Strings(incident.Metrics),
        ["alertCount"] = incident.AlertCount,
    };
}

/// <summary>
/// <c>incident ack|resolve ID [--note TEXT]</c>: an operator acknowledges the active incident, or
/// resolves it before its quiet period would. The correlator (leader) makes the change, persists it
/// and tells the notification channels and the live feed, once.
/// </summary>
public sealed class IncidentChangeCommand(AdminContext context, bool resolve)
    : AdminCommand(context, resolve ? "incident.resolve" : "incident.ack", readOnly: false, leaderOnly: true)
{
    public override async ValueTask<AdminOutput> ExecuteAsync(ConnectionIdentity caller, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var verb = resolve ? "resolve" : "ack";
        var parsed = AdminArguments.Parse(arguments, $"incident {verb} ID [--note TEXT]", (1, 1), ["--note"]);
        var id = parsed.Positionals[0];
        var note = parsed.Option("--note") ?? "";
        var stored = await Context.Store.GetIncidentAsync(id, cancellationToken)
            ?? throw new AdminCommandException($"no incident '{AdminArguments.Printable(id)}'");
        if (stored.State == IncidentState.Resolved)
        {
            throw new AdminCommandException($"incident {id} is already resolved (at {AdminJson.Time(stored.ResolvedAt)})");
        }
        if (!resolve && stored.State == IncidentState.Acknowledged)
        {
            throw new AdminCommandException($"incident {id} is already acknowledged by {stored.AcknowledgedBy} (at {AdminJson.Time(stored.AcknowledgedAt)})");
        }

        var leader = Context.RequireLeader();
        object change = resolve
            ? new ResolveIncident(id, caller.Certificate.Name, note)
            : new AcknowledgeIncident(id, caller.Certificate.Name, note);
        var outcome = await leader.Correlator.Ask<OperatorChangeOutcome>(change, AskTimeout, cancellationToken);
        var incident = outcome.Incident
            ?? throw new AdminCommandException($"incident {id} is no longer active (it resolved on its own a moment ago)");
        return new AdminOutput(new JsonObject { ["incident"] = IncidentsCommand.ToJson(incident) },
            $"{(resolve ? "resolved" : "acknowledged")} {incident.Id}");
    }
}
