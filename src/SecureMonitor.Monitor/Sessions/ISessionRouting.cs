using SecureMonitor.Monitor.Admin;
using SecureMonitor.Monitor.Node;

namespace SecureMonitor.Monitor.Sessions;

/// <summary>What a new connection is routed by: the leader's current term (watchers are served only
/// there), where to redirect watchers otherwise, and the admin commands (served on every node).</summary>
public interface ISessionRouting
{
    /// <summary>The current term, or null on a follower.</summary>
    LeaderTerm? Term { get; }

    string? LeaderNodeId { get; }

    /// <summary>The leader's endpoint, or with none known, the other live members'.</summary>
    IReadOnlyList<string> RedirectEndpoints { get; }

    AdminCommandHandler Admin { get; }
}
