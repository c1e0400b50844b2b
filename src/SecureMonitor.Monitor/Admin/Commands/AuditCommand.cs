using System.Text.Json.Nodes;
using SecureMonitor.Storage;
using SecureMonitor.Transport;

namespace SecureMonitor.Monitor.Admin.Commands;

/// <summary><c>audit [--since 1h] [--limit N]</c>: the audit log, newest first.</summary>
public sealed class AuditCommand(AdminContext context) : AdminCommand(context, "audit", readOnly: true, leaderOnly: false)
{
    public override async ValueTask<AdminOutput> ExecuteAsync(ConnectionIdentity caller, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var parsed = AdminArguments.Parse(arguments, "audit [--since 1h] [--limit N]", (0, 0), ["--since", "--limit"]);
        var since = parsed.Since("--since", Context.Time.GetUtcNow());
        var entries = await Context.Store.ListAuditAsync(since, parsed.Int32("--limit", 100, 1, AlertQuery.MaxLimit), cancellationToken);
        return new JsonObject
        {
            ["entries"] = AdminJson.Array(entries, entry => new JsonObject
            {
                ["id"] = entry.Id,
                ["at"] = AdminJson.Time(entry.Record.At),
                ["subject"] = entry.Record.Subject,
                ["role"] = entry.Record.Role,
                ["command"] = entry.Record.Command,
                ["arguments"] = entry.Record.Arguments,
                ["result"] = entry.Record.Result,
                ["success"] = entry.Record.Success,
                ["epoch"] = entry.Epoch,
            }),
        };
    }
}
