using System.Text.Json.Nodes;
using SecureMonitor.Transport;

namespace SecureMonitor.Monitor.Admin;

/// <summary>One operator command served by the monitor. Read-only commands are open to viewer
/// certificates; every other command needs the admin role.</summary>
public interface IAdminCommand
{
    string Name { get; }

    bool ReadOnly { get; }

    ValueTask<JsonNode> ExecuteAsync(ConnectionIdentity caller, IReadOnlyList<string> arguments, CancellationToken cancellationToken);
}

/// <summary>An operator mistake (unknown argument, unknown host): reported to the console as is.</summary>
public sealed class AdminCommandException(string message) : Exception(message);
