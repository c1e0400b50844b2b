using SecureMonitor.Protocol;
using SecureMonitor.Protocol.Wire;

namespace SecureMonitor.Admin.Client;

/// <summary>One answer of the monitor to a request, its pieces joined (see <c>continued</c> on the wire).</summary>
public sealed record AdminReply(bool Ok, string Error, RejectionReason Refusal, IReadOnlyList<string> LeaderEndpoints, string LeaderNode, bool More,
    string Json)
{
    /// <summary>The monitor found the arguments malformed (its error quotes the usage).</summary>
    public bool UsageError { get; init; }

    public bool IsNotLeader => Refusal == RejectionReason.NotLeader;

    internal static AdminReply From(AdminResponse response, string json) => new(
        response.Ok,
        response.Error,
        response.Refusal == RejectionReasonCode.Unspecified ? RejectionReason.None : RejectionReasonNames.FromWireCode(response.Refusal),
        [.. response.LeaderEndpoints],
        response.LeaderNode,
        response.More,
        json)
    {
        UsageError = response.UsageError,
    };

    /// <summary>The console's own failure (no such answer came from the monitor).</summary>
    internal static AdminReply Local(string error) => new(false, error, RejectionReason.None, [], "", false, "");
}

/// <summary>The monitor could not be reached (or the connection was lost): exit code 69, not a failed command.</summary>
public sealed class AdminUnreachableException(string message, Exception? inner = null) : Exception(message, inner);
