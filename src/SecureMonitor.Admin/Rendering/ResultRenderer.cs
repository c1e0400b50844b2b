using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace SecureMonitor.Admin.Rendering;

/// <summary>
/// Shows the monitor's JSON results to people: tables (Spectre.Console) for lists, a grid of
/// fields for single things, one line per live event for <c>tail</c>. Times arrive in UTC and are
/// shown in the operator's zone. Every value is rendered as text, never as markup, so nothing a
/// watcher or an operator wrote can restyle the console.
/// </summary>
public sealed class ResultRenderer(IAnsiConsole console, TimeZoneInfo zone)
{
    public void Render(string wire, string json)
    {
        JsonNode? result;
        try
        {
            result = JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            console.WriteLine(json);
            return;
        }
        if (result is not JsonObject root)
        {
            console.WriteLine(json);
            return;
        }
        switch (wire)
        {
            case "status": Fields(root, ("node", "node"), ("endpoint", "endpoint"), ("role", "role"), ("epoch", "epoch"), ("leader", "leaderNode"),
                ("leader endpoint", "leaderEndpoint"), ("version", "version"), ("started", "startedAt"), ("uptime (s)", "uptimeSeconds"),
                ("connected watchers", "connectedWatchers"), ("tail subscribers", "tailSubscribers"), ("you", "caller"));
                Table(root["rejections"], "Refusals", ("Host", "host"), ("Reason", "reason"), ("Count", "count"));
                break;
            case "cluster.members": Table(root["members"], null, ("Node", "node"), ("Endpoint", "endpoint"), ("Status", "status"),
                ("Reachable", "reachable"), ("Singleton", "singleton"), ("Lease", "leader"), ("This node", "self"), ("Cluster address", "clusterAddress"));
                break;
            case "cluster.leader": Fields(root, ("leader", "leaderNode"), ("leader endpoint", "leaderEndpoint"), ("epoch", "epoch"),
                ("answered by", "answeredBy"), ("answered by the leader", "answeredByLeader"));
                if (root["lease"] is JsonObject lease)
                {
                    Fields(lease, ("lease holder", "holder"), ("lease endpoint", "endpoint"), ("lease epoch", "epoch"), ("lease expires", "expiresAt"),
                        ("lease held now", "held"));
                }
                break;
            case "hosts":
                Table(root["hosts"], null, HostColumns);
                if (root["livenessKnown"]?.GetValue<bool>() == false)
                {
                    Note("liveness and connections are known to the leader only; this node is a follower");
                }
                break;
            case "host":
                Fields(root, ("host", "host"), ("thresholds revision", "thresholdsRevision"), ("thresholds applied", "thresholdsApplied"));
                if (root["seen"] is JsonObject seen)
                {
                    Fields(seen, HostColumns);
                }
                Table(root["keys"], "Keys", ("Key id", "keyId"), ("State", "state"), ("Created", "createdAt"), ("Retires", "retiresAt"), ("Revoked", "revokedAt"));
                Table(root["recentAlerts"], "Latest alerts", AlertColumns);
                break;
            case "alerts": Table(root["alerts"], null, AlertColumns);
                break;
            case "incidents": Table(root["incidents"], null, IncidentColumns);
                break;
            case "incident.ack" or "incident.resolve":
                if (root["incident"] is JsonObject incident)
                {
                    Fields(incident, IncidentColumns);
                }
                break;
            case "thresholds.show": Thresholds(root);
                break;
            case "thresholds.set":
                Fields(root, ("scope", "scope"), ("revision", "revision"), ("waited (s)", "waitSeconds"));
                Table(root["settings"] is JsonArray settings ? new JsonArray([.. settings.Select(s => (JsonNode?)new JsonObject { ["setting"] = s?.DeepClone() })]) : null,
                    "Settings", ("Setting", "setting"));
                Table(root["hosts"], "Watchers", ("Host", "host"), ("Revision", "revision"), ("Outcome", "outcome"), ("Acknowledged", "acknowledgedAt"));
                break;
            case "keys.rotate":
                Fields(root, ("host", "host"), ("new key id", "newKeyId"), ("retiring key id", "retiringKeyId"), ("old key accepted until", "retiresAt"),
                    ("key file", "pskFile"));
                Note(Text(root["delivery"]));
                break;
            case "keys.revoke": Fields(root, ("host", "host"), ("revoked certificates", "revokedCertificates"), ("revoked key ids", "revokedKeyIds"),
                ("connection closed", "disconnected"));
                break;
            case "audit": Table(root["entries"], null, ("Id", "id"), ("At", "at"), ("Subject", "subject"), ("Role", "role"), ("Command", "command"),
                ("Arguments", "arguments"), ("Result", "result"), ("Ok", "success"));
                break;
            default:
                console.WriteLine(root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                break;
        }
    }

    /// <summary>One live event of <c>tail</c> as one line.</summary>
    public void RenderEvent(string json)
    {
        if (JsonNode.Parse(json) is not JsonObject item)
        {
            return;
        }
        var at = Time(item["at"]);
        var line = Text(item["type"]) switch
        {
            "alert" => $"{at}  ALERT     {Text(item["host"])} {Text(item["severity"])} {Text(item["state"])} {Text(item["metric"])}={Text(item["value"])} " +
                       $"(threshold {Text(item["threshold"])}, rule {Text(item["rule"])}) {Text(item["summary"])}",
            "incident" => $"{at}  INCIDENT  {Text(item["id"])} {Text(item["change"])} -> {Text(item["state"])} [{Text(item["severity"])}] " +
                          $"{Text(item["title"])}; hosts {Text(item["hosts"])}{(item["note"] is null ? "" : "; " + Text(item["note"]))}",
            "dropped" => $"(this console read too slowly: {Text(item["total"])} event(s) dropped so far)",
            "started" => $"{at}  live feed from {Text(item["node"])}; Ctrl-C stops",
            "end" => $"feed closed: {Text(item["delivered"])} event(s) shown, {Text(item["dropped"])} dropped",
            _ => json,
        };
        console.Write(new Text(line + Environment.NewLine));
    }

    public void Note(string text) => console.Write(new Text(text + Environment.NewLine, new Style(decoration: Decoration.Dim)));

    public void Error(string text) => console.Write(new Text(text + Environment.NewLine, new Style(Color.Red)));

    private static readonly (string Header, string Key)[] HostColumns =
    [
        ("Host", "host"), ("Liveness", "liveness"), ("Connected", "connected"), ("Last heartbeat", "lastHeartbeat"), ("Last seen", "lastSeen"),
        ("Sequence", "sequence"), ("Thresholds", "thresholdsApplied"),
    ];

    private static readonly (string Header, string Key)[] AlertColumns =
    [
        ("Received", "receivedAt"), ("Host", "host"), ("Severity", "severity"), ("State", "state"), ("Metric", "metric"), ("Value", "value"),
        ("Threshold", "threshold"), ("Rule", "rule"), ("Summary", "summary"),
    ];

    private static readonly (string Header, string Key)[] IncidentColumns =
    [
        ("Id", "id"), ("State", "state"), ("Kinds", "kinds"), ("Opened", "openedAt"), ("Last evidence", "lastEvidenceAt"), ("Resolved", "resolvedAt"),
        ("Hosts", "hosts"), ("Alerts", "alertCount"), ("Acknowledged by", "acknowledgedBy"), ("Note", "note"),
    ];

    private void Thresholds(JsonObject root)
    {
        Table(root["scopes"], "Settings", ("Scope", "scope"), ("Revision", "revision"), ("Settings", "settings"), ("By", "updatedBy"), ("At", "updatedAt"));
        if (root["applied"] is JsonArray)
        {
            Table(root["applied"], "Acknowledged by watchers", ("Host", "host"), ("Revision", "revision"), ("At", "appliedAt"), ("Current", "current"));
            return;
        }
        Fields(root, ("scope", "scope"), ("revision", "revision"), ("acknowledged revision", "appliedRevision"), ("acknowledged at", "appliedAt"));
        Table(root["rules"], "Rules", ("Id", "id"), ("Metric", "metric"), ("Warn", "warn"), ("Critical", "critical"), ("Direction", "direction"),
            ("For (s)", "forSeconds"), ("Hysteresis", "hysteresis"), ("Cooldown (s)", "cooldownSeconds"));
        if (root["errors"] is JsonArray { Count: > 0 } errors)
        {
            foreach (var error in errors)
            {
                Error(Text(error));
            }
        }
    }

    private void Fields(JsonObject item, params (string Label, string Key)[] fields)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        foreach (var (label, key) in fields)
        {
            if (item.ContainsKey(key))
            {
                grid.AddRow(new Text(label, new Style(decoration: Decoration.Bold)), new Text(Cell(key, item[key])));
            }
        }
        console.Write(grid);
        console.WriteLine();
    }

    private void Table(JsonNode? rows, string? title, params (string Header, string Key)[] columns)
    {
        var items = rows as JsonArray ?? [];
        if (title is not null && items.Count == 0)
        {
            return;
        }
        var table = new Table().Border(TableBorder.Rounded);
        if (title is not null)
        {
            table.Title(new TableTitle(title));
        }
        foreach (var (header, _) in columns)
        {
            table.AddColumn(new TableColumn(new Text(header)));
        }
        foreach (var row in items.OfType<JsonObject>())
        {
            table.AddRow(columns.Select(column => (IRenderable)new Text(Cell(column.Key, row[column.Key]))));
        }
        if (items.Count == 0)
        {
            table.Caption(new TableTitle("(none)"));
        }
        else if (columns.Any(column => IsTime(column.Key)))
        {
            table.Caption(new TableTitle($"times in {zone.Id}"));
        }
        console.Write(table);
    }

    private string Cell(string key, JsonNode? value) => IsTime(key) ? Time(value) : Text(value);

    private static bool IsTime(string key) => key.EndsWith("At", StringComparison.Ordinal) || key is "lastSeen" or "firstSeen" or "lastHeartbeat" or "at";

    /// <summary>A UTC instant from the monitor, in the operator's zone.</summary>
    private string Time(JsonNode? value)
    {
        if (value is null)
        {
            return "-";
        }
        var text = Text(value);
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
            : text;
    }

    public static string Text(JsonNode? value) => value switch
    {
        null => "-",
        JsonArray array => string.Join(", ", array.Select(Text)),
        JsonValue scalar when scalar.TryGetValue<bool>(out var flag) => flag ? "yes" : "no",
        JsonValue scalar when scalar.TryGetValue<string>(out var text) => text,
        JsonValue scalar when scalar.TryGetValue<double>(out var number) => number.ToString("0.###", CultureInfo.InvariantCulture),
        _ => value.ToJsonString(),
    };
}
