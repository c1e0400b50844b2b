using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Akka.Actor;
using SecureMonitor.Pki;
using SecureMonitor.Protocol;
using SecureMonitor.Storage;
using SecureMonitor.Transport;

namespace SecureMonitor.Monitor.Admin;

/// <summary>
/// Runs admin commands by name: checks the caller's role (a viewer certificate may run read-only
/// commands only), sends changes to the leader (a follower refuses them with the leader's
/// endpoint), and writes every command to the audit log at this node, refused and failed ones too,
/// with the caller's certificate subject and role. Results are JSON so the console can render
/// tables or pass them on.
/// </summary>
public sealed partial class AdminCommandHandler
{
    /// <summary>Audit texts are cut to this length: the log records what was asked, not megabytes of it.</summary>
    internal const int MaxAuditText = 1000;

    private readonly Dictionary<string, IAdminCommand> _commands;
    private readonly AdminContext? _context;
    private readonly ILogger _log;

    public AdminCommandHandler(IEnumerable<IAdminCommand> commands, AdminContext? context = null, ILogger? log = null)
    {
        _commands = commands.ToDictionary(command => command.Name, StringComparer.Ordinal);
        _context = context;
        _log = log ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    }

    public IReadOnlyCollection<string> CommandNames => _commands.Keys;

    public async ValueTask<AdminCommandResult> ExecuteAsync(ConnectionIdentity caller, string name, IReadOnlyList<string> arguments,
        CancellationToken cancellationToken)
    {
        var result = await RunAsync(caller, name, arguments, cancellationToken);
        await AuditAsync(caller, name, arguments, result);
        return result;
    }

    private async ValueTask<AdminCommandResult> RunAsync(ConnectionIdentity caller, string name, IReadOnlyList<string> arguments,
        CancellationToken cancellationToken)
    {
        if (!_commands.TryGetValue(name, out var command))
        {
            return AdminCommandResult.Failed($"unknown command '{AdminArguments.Printable(name)}'; known: {string.Join(", ", _commands.Keys.Order(StringComparer.Ordinal))}");
        }
        if (caller.Role is not (CertificateRole.Admin or CertificateRole.Viewer))
        {
            return AdminCommandResult.Refused(RejectionReason.WrongRole, $"role {caller.Role} may not run admin commands");
        }
        if (caller.Role == CertificateRole.Viewer && !command.ReadOnly)
        {
            return AdminCommandResult.Refused(RejectionReason.WrongRole, $"'{name}' changes state; a viewer certificate may only read");
        }
        if (command.LeaderOnly && _context is { Cluster.IsLeader: false } context)
        {
            var cluster = context.Cluster;
            // A change (not a live stream, which must come from the singleton's node itself) goes to the
            // singleton through the cluster and is answered here; with no singleton known yet, the console is
            // told where to go.
            if (context.Forwarder is { } forwarder && command.Forwardable && cluster.LeaderEndpoint is not null)
            {
                try
                {
                    return await forwarder.ForwardAsync(caller, name, arguments, cancellationToken);
                }
                catch (AskTimeoutException)
                {
                    return AdminCommandResult.Failed($"the monitor singleton (on {cluster.LeaderNodeId}) did not answer in time; " +
                        "the command may or may not have taken effect: check before repeating it");
                }
            }
            return cluster.LeaderEndpoint is { } leader
                ? AdminCommandResult.NotLeader($"this node ({cluster.NodeId}) is a follower; '{name}' runs on the leader {cluster.LeaderNodeId} at {leader}",
                    leader, cluster.LeaderNodeId ?? "")
                : AdminCommandResult.Failed($"this node ({cluster.NodeId}) is a follower and no node holds the leader lease right now; try again shortly");
        }

        try
        {
            return AdminCommandResult.Succeeded(await command.ExecuteAsync(caller, arguments, cancellationToken));
        }
        catch (AdminCommandException error)
        {
            return AdminCommandResult.Failed(error.Message) with { UsageError = error.IsUsage };
        }
        catch (StaleFenceException)
        {
            return AdminCommandResult.Failed("this node lost the leader lease while running the command; nothing was written: run it again");
        }
        catch (AskTimeoutException)
        {
            return AdminCommandResult.Failed("the monitor did not answer in time; the command may or may not have taken effect: check before repeating it");
        }
        catch (PkiException error)
        {
            return AdminCommandResult.Failed(error.Message);
        }
        catch (Exception error) when (error is not (OperationCanceledException or OutOfMemoryException))
        {
            LogCommandFailed(_log, name, error);
            return AdminCommandResult.Failed($"internal error running '{name}': {error.GetType().Name}");
        }
    }

    /// <summary>Writes the command to the audit log: fenced on the leader, unfenced on a follower (or a
    /// node that just lost the lease), so refusals are recorded wherever they happen.</summary>
    private async ValueTask AuditAsync(ConnectionIdentity caller, string name, IReadOnlyList<string> arguments, AdminCommandResult result)
    {
        if (_context is null)
        {
            return;
        }
        var record = new AuditRecord(
            _context.Time.GetUtcNow(),
            AuditSubject(caller),
            caller.Role.ToWireName(),
            Cut(AdminArguments.Printable(name)),
            Cut(string.Join(' ', arguments.Select(Quote))),
            Cut(result.AuditText),
            result.Ok);
        try
        {
            try
            {
                await _context.Store.AppendAuditAsync(record, _context.AuditFence, CancellationToken.None);
            }
            catch (StaleFenceException)
            {
                await _context.Store.AppendAuditAsync(record, fence: null, CancellationToken.None);
            }
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            LogAuditFailed(_log, name, record.Subject, error.Message);
        }
    }

    /// <summary>The certificate subject as the audit log names it: common name and serial, so a
    /// re-issued certificate of the same person is told apart.</summary>
    public static string AuditSubject(ConnectionIdentity caller) => $"CN={caller.Certificate.Name}, serial {caller.Certificate.Serial}";

    private static string Quote(string argument)
    {
        var shown = new string([.. argument.Select(c => char.IsControl(c) ? '?' : c)]);
        return argument.Length > 0 && !argument.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'')
            ? shown
            : "\"" + shown.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }

    private static string Cut(string text) => text.Length <= MaxAuditText ? text : text[..(MaxAuditText - 3)] + "...";

    [LoggerMessage(Level = LogLevel.Error, Message = "Admin command {Command} failed")]
    private static partial void LogCommandFailed(ILogger log, string command, Exception error);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Could not write the audit entry of admin command {Command} by {Subject}: {Error}")]
    private static partial void LogAuditFailed(ILogger log, string command, string subject, string error);
}

/// <summary>The outcome of one admin command.</summary>
public sealed record AdminCommandResult(bool Ok, JsonNode? Result, string Error, RejectionReason Refusal)
{
    /// <summary>With <see cref="RejectionReason.NotLeader"/>: where the leader is.</summary>
    public string? LeaderEndpoint { get; init; }

    public string LeaderNode { get; init; } = "";

    /// <summary>The arguments were malformed (the error quotes the usage).</summary>
    public bool UsageError { get; init; }

    /// <summary>A streaming command's live results (the session pumps them to the console).</summary>
    public IAdminStream? Stream { get; init; }

    /// <summary>The line the audit log keeps: "ok", the command's own summary, or why it failed.</summary>
    public string AuditText { get; init; } = "";

    public static AdminCommandResult Succeeded(AdminOutput output) =>
        new(true, output.Result, "", RejectionReason.None) { Stream = output.Stream, AuditText = output.AuditSummary is { } summary ? "ok: " + summary : "ok" };

    public static AdminCommandResult Failed(string error) => new(false, null, error, RejectionReason.None) { AuditText = "failed: " + error };

    public static AdminCommandResult Refused(RejectionReason reason, string error) =>
        new(false, null, error, reason) { AuditText = $"refused ({reason.ToMetricName()}): {error}" };

    public static AdminCommandResult NotLeader(string error, string leaderEndpoint, string leaderNode) =>
        Refused(RejectionReason.NotLeader, error) with { LeaderEndpoint = leaderEndpoint, LeaderNode = leaderNode };
}
