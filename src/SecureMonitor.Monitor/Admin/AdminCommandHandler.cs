using System.Text.Json.Nodes;
using SecureMonitor.Pki;
using SecureMonitor.Protocol;
using SecureMonitor.Transport;

namespace SecureMonitor.Monitor.Admin;

/// <summary>
/// Runs admin commands by name after checking the caller's role: a viewer certificate may run
/// read-only commands only. Results are JSON so the console can render tables or pass them on.
/// </summary>
public sealed class AdminCommandHandler(IEnumerable<IAdminCommand> commands)
{
    private readonly Dictionary<string, IAdminCommand> _commands = commands.ToDictionary(command => command.Name, StringComparer.Ordinal);

    public IReadOnlyCollection<string> CommandNames => _commands.Keys;

    public async ValueTask<AdminCommandResult> ExecuteAsync(ConnectionIdentity caller, string name, IReadOnlyList<string> arguments,
        CancellationToken cancellationToken)
    {
        if (!_commands.TryGetValue(name, out var command))
        {
            return AdminCommandResult.Failed($"unknown command '{name}'; known: {string.Join(", ", _commands.Keys.Order(StringComparer.Ordinal))}");
        }
        if (caller.Role is not (CertificateRole.Admin or CertificateRole.Viewer))
        {
            return AdminCommandResult.Refused(RejectionReason.WrongRole, $"role {caller.Role} may not run admin commands");
        }
        if (caller.Role == CertificateRole.Viewer && !command.ReadOnly)
        {
            return AdminCommandResult.Refused(RejectionReason.WrongRole, $"'{name}' changes state; a viewer certificate may only read");
        }

        try
        {
            return AdminCommandResult.Succeeded(await command.ExecuteAsync(caller, arguments, cancellationToken));
        }
        catch (AdminCommandException error)
        {
            return AdminCommandResult.Failed(error.Message);
        }
    }
}

/// <summary>The outcome of one admin command.</summary>
public sealed record AdminCommandResult(bool Ok, JsonNode? Result, string Error, RejectionReason Refusal)
{
    public static AdminCommandResult Succeeded(JsonNode result) => new(true, result, "", RejectionReason.None);

    public static AdminCommandResult Failed(string error) => new(false, null, error, RejectionReason.None);

    public static AdminCommandResult Refused(RejectionReason reason, string error) => new(false, null, error, reason);
}
