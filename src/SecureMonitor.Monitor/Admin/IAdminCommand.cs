using System.Text.Json.Nodes;
using SecureMonitor.Transport;

namespace SecureMonitor.Monitor.Admin;

/// <summary>
/// One operator command served by the monitor. Read-only commands are open to viewer certificates;
/// every other command needs the admin role. A <see cref="LeaderOnly"/> command runs on the singleton's
/// node only: a follower forwards it there through the cluster (or, for a live stream, tells the console
/// where to go).
/// </summary>
public interface IAdminCommand
{
    /// <summary>The wire name, e.g. <c>hosts</c> or <c>incident.ack</c>.</summary>
    string Name { get; }

    bool ReadOnly { get; }

    /// <summary>Changes, and reads of state only the leader has (the live feed), run on the leader.</summary>
    bool LeaderOnly { get; }

    /// <summary>A follower may forward it to the singleton's node and answer itself (not a live stream).</summary>
    bool Forwardable { get; }

    ValueTask<AdminOutput> ExecuteAsync(ConnectionIdentity caller, IReadOnlyList<string> arguments, CancellationToken cancellationToken);
}

/// <summary>
/// What a command produced: its result for the console, a short line for the audit log (never a
/// secret; "ok" when null), and for a streaming command the stream the session pumps to the console.
/// </summary>
public readonly record struct AdminOutput(JsonNode Result, string? AuditSummary = null, IAdminStream? Stream = null)
{
    public static implicit operator AdminOutput(JsonNode result) => new(result);
}

/// <summary>A live stream of results (e.g. <c>tail</c>) sent to the console until it cancels.</summary>
public interface IAdminStream : IAsyncDisposable
{
    /// <summary>Items as JSON texts, until <paramref name="cancellationToken"/> is cancelled.</summary>
    IAsyncEnumerable<string> ReadAllAsync(CancellationToken cancellationToken);

    /// <summary>Items dropped so far because the console read too slowly.</summary>
    long Dropped { get; }

    /// <summary>Items handed out so far.</summary>
    long Delivered { get; }
}

/// <summary>An operator mistake (unknown argument, unknown host): reported to the console as is.
/// <paramref name="usage"/>: the arguments themselves were malformed.</summary>
public sealed class AdminCommandException(string message, bool usage = false) : Exception(message)
{
    public bool IsUsage => usage;
}
