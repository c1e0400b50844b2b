using Akka.Actor;
using System.Text.Json.Nodes;
using SecureMonitor.Analysis.Thresholds;
using SecureMonitor.Monitor.Thresholds;
using SecureMonitor.Storage;
using SecureMonitor.Transport;

namespace SecureMonitor.Monitor.Admin.Commands;

/// <summary>
/// <c>thresholds show [HOST|all]</c>: without an argument every scope's settings and each host's
/// acknowledged revision; with one, the rules that host (or a host without settings of its own) is
/// meant to run, and whether its watcher acknowledged them. Served from this node's store.
/// </summary>
public sealed class ThresholdsShowCommand(AdminContext context) : AdminCommand(context, "thresholds.show", readOnly: true, leaderOnly: false)
{
    public override async ValueTask<AdminOutput> ExecuteAsync(ConnectionIdentity caller, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var parsed = AdminArguments.Parse(arguments, "thresholds show [HOST|all]", (0, 1));
        var plan = new ThresholdPlan(Context.ThresholdBaseline, await Context.Store.ListThresholdSettingsAsync(cancellationToken));
        var applied = await Context.Store.ListThresholdsAppliedAsync(cancellationToken);
        var result = new JsonObject
        {
            ["scopes"] = AdminJson.Array(plan.Scopes.OrderBy(scope => scope.Scope, StringComparer.Ordinal), scope => new JsonObject
            {
                ["scope"] = ThresholdsSetCommand.ScopeName(scope.Scope),
                ["revision"] = scope.Revision,
                ["settings"] = AdminJson.Strings(scope.Settings),
                ["updatedBy"] = scope.UpdatedBy,
                ["updatedAt"] = AdminJson.Time(scope.UpdatedAt),
            }),
        };
        if (parsed.Positionals.Count == 0)
        {
            result["applied"] = AdminJson.Array(applied, record => new JsonObject
            {
                ["host"] = record.HostId,
                ["revision"] = record.Revision,
                ["appliedAt"] = AdminJson.Time(record.AppliedAt),
                ["current"] = record.Revision >= plan.RevisionFor(record.HostId),
            });
            return result;
        }

        var hostId = parsed.Positionals[0] == "all" ? null : HostId(parsed, parsed.Positionals[0]);
        var rules = plan.RulesFor(hostId);
        var appliedRecord = hostId is null ? null : applied.FirstOrDefault(record => record.HostId == hostId);
        result["scope"] = hostId ?? "all";
        result["revision"] = plan.RevisionFor(hostId);
        result["rules"] = rules.RuleSet is { } ruleSet ? AdminJson.Array(ruleSet.Rules, ToJson) : null;
        result["errors"] = AdminJson.Strings(rules.Errors.Select(error => error.ToString()));
        result["appliedRevision"] = appliedRecord?.Revision;
        result["appliedAt"] = AdminJson.Time(appliedRecord?.AppliedAt);
        return result;
    }

    public static JsonNode ToJson(ThresholdRule rule) => new JsonObject
    {
        ["id"] = rule.Id,
        ["metric"] = rule.Metric,
        ["warn"] = rule.Warn,
        ["critical"] = rule.Critical,
        ["direction"] = rule.Direction == ThresholdDirection.Above ? "above" : "below",
        ["forSeconds"] = rule.For.TotalSeconds,
        ["hysteresis"] = rule.Hysteresis,
        ["cooldownSeconds"] = rule.Cooldown.TotalSeconds,
    };
}

/// <summary>
/// <c>thresholds set HOST|all METRIC.LEVEL=VALUE ... [--wait 5s]</c>: validates the settings against
/// the watchers' metric names and the rule checks, stores them (so watchers that connect later get
/// them), pushes the new rules to every affected connected watcher and reports, per host, whether it
/// acknowledged the revision within the wait.
/// </summary>
public sealed class ThresholdsSetCommand(AdminContext context) : AdminCommand(context, "thresholds.set", readOnly: false, leaderOnly: true)
{
    private const string Usage = "thresholds set HOST|all METRIC.LEVEL=VALUE... [--wait 5s] (LEVEL: warn, critical, for, hysteresis, cooldown, direction)";
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(60);

    public override async ValueTask<AdminOutput> ExecuteAsync(ConnectionIdentity caller, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var parsed = AdminArguments.Parse(arguments, Usage, (2, int.MaxValue), ["--wait"]);
        var wait = parsed.Duration("--wait") ?? TimeSpan.FromSeconds(5);
        if (wait > MaxWait)
        {
            throw parsed.Error($"--wait may be at most {MaxWait.TotalSeconds:0} s");
        }
        var changes = new List<ThresholdSetting>();
        foreach (var text in parsed.Positionals.Skip(1))
        {
            changes.Add(ThresholdSetting.TryParse(text, out var setting, out var error) ? setting : throw parsed.Error(error));
        }

        var leader = Context.RequireLeader();
        var target = parsed.Positionals[0];
        IReadOnlyList<string> hosts;
        string scope;
        if (target == "all")
        {
            scope = ThresholdSettingsRecord.AllHosts;
            hosts = [.. (await Context.Store.ListHostsAsync(cancellationToken)).Select(host => host.HostId)
                .Union(leader.Watchers.ConnectedHosts, StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        }
        else
        {
            scope = HostId(parsed, target);
            var seen = (await Context.Store.ListHostsAsync(cancellationToken)).Any(host => host.HostId == scope);
            if (!seen && !Context.Pki.Knows(scope))
            {
                throw new AdminCommandException($"unknown host '{scope}': the monitor has not heard from it and the PKI issued it no key");
            }
            hosts = [scope];
        }

        var outcome = await leader.Thresholds.Ask<ThresholdsSetOutcome>(
            new ThresholdsActor.SetThresholds(scope, changes, hosts, AdminCommandHandler.AuditSubject(caller), wait), wait + AskTimeout, cancellationToken);
        if (outcome.Errors.Count > 0)
        {
            throw new AdminCommandException("the settings would make invalid rules, nothing changed: " + string.Join("; ", outcome.Errors));
        }
        var acknowledged = outcome.Hosts.Count(host => host.Outcome == ThresholdsPushOutcome.Acknowledged);
        JsonNode result = new JsonObject
        {
            ["scope"] = ScopeName(scope),
            ["revision"] = outcome.Revision,
            ["settings"] = AdminJson.Strings(changes.Select(change => change.ToString())),
            ["waitSeconds"] = wait.TotalSeconds,
            ["hosts"] = AdminJson.Array(outcome.Hosts, host => new JsonObject
            {
                ["host"] = host.Host,
                ["revision"] = host.Revision,
                ["outcome"] = host.Outcome switch
                {
                    ThresholdsPushOutcome.Acknowledged => "acknowledged",
                    ThresholdsPushOutcome.NotConnected => "not connected (gets it on connecting)",
                    _ => "no answer (gets it again on reconnecting)",
                },
                ["acknowledgedAt"] = AdminJson.Time(host.AcknowledgedAt),
            }),
        };
        return new AdminOutput(result,
            $"revision {outcome.Revision} for {ScopeName(scope)}: {string.Join(" ", changes)}; acknowledged by {acknowledged} of {outcome.Hosts.Count} host(s)");
    }

    public static string ScopeName(string scope) => scope == ThresholdSettingsRecord.AllHosts ? "all" : scope;
}
