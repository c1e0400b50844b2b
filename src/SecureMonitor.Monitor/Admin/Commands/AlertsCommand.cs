using System.Text.Json.Nodes;
using SecureMonitor.Storage;
using SecureMonitor.Transport;

namespace SecureMonitor.Monitor.Admin.Commands;

/// <summary><c>alerts [--host H] [--since 10m] [--severity S] [--limit N]</c>: stored alerts, newest first: the
/// watchers' and those the monitor raised itself (<c>origin</c> monitor, sequence 0: tampering suspected, spool drops).</summary>
public sealed class AlertsCommand(AdminContext context) : AdminCommand(context, "alerts", readOnly: true, leaderOnly: false)
{
    private const string Usage = "alerts [--host H] [--since 10m] [--severity info|warning|critical] [--limit N]";

    public override async ValueTask<AdminOutput> ExecuteAsync(ConnectionIdentity caller, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var parsed = AdminArguments.Parse(arguments, Usage, (0, 0), ["--host", "--since", "--severity", "--limit"]);
        var query = new AlertQuery
        {
            Host = parsed.Option("--host") is { } host ? HostId(parsed, host) : null,
            Since = parsed.Since("--since", Context.Time.GetUtcNow()),
            Severity = parsed.Option("--severity") switch
            {
                null => null,
                "info" => AlertSeverity.Info,
                "warning" => AlertSeverity.Warning,
                "critical" => AlertSeverity.Critical,
                var other => throw parsed.Error($"--severity '{AdminArguments.Printable(other)}' must be info, warning or critical"),
            },
            Limit = parsed.Int32("--limit", 50, 1, AlertQuery.MaxLimit),
        };
        var alerts = await Context.Store.ListAlertsAsync(query, cancellationToken);
        return new JsonObject { ["alerts"] = AdminJson.Array(alerts, ToJson) };
    }

    public static JsonNode ToJson(AlertRecord alert) => new JsonObject
    {
        ["host"] = alert.HostId,
        ["sequence"] = alert.Sequence,
        ["receivedAt"] = AdminJson.Time(alert.ReceivedAt),
        ["sentAt"] = AdminJson.Time(alert.SentAt),
        ["rule"] = alert.Alert.RuleId,
        ["metric"] = alert.Alert.Metric,
        ["severity"] = alert.Alert.Severity.ToString().ToLowerInvariant(),
        ["state"] = alert.Alert.State.ToString().ToLowerInvariant(),
        ["value"] = alert.Alert.Value,
        ["threshold"] = alert.Alert.Threshold,
        ["summary"] = alert.Alert.Summary,
        ["origin"] = alert.Origin == AlertOrigin.Monitor ? "monitor" : "watcher",
    };
}
