using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using SecureMonitor.Pki;
using SecureMonitor.Protocol;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Transport;

namespace SecureMonitor.Monitor.Admin.Forwarding;

/// <summary>
/// A follower's side of admin forwarding: sends a command that only the singleton's node may run to
/// the monitor singleton through the cluster singleton proxy, and turns the answer into this node's
/// result, so the console gets it on the connection it opened.
/// </summary>
public sealed class AdminForwarder(IActorRef singletonProxy)
{
    /// <summary>Longest a forwarded command may take (a threshold push waits for watchers, up to its own wait).</summary>
    private static readonly TimeSpan ForwardTimeout = TimeSpan.FromSeconds(60);

    public async Task<AdminCommandResult> ForwardAsync(ConnectionIdentity caller, string name, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var certificate = caller.Certificate;
        var reply = await singletonProxy.Ask<ForwardedAdminReply>(new ForwardedAdminCommand(
            certificate.Role.ToWireName(), certificate.Name, certificate.HostId, certificate.Serial, certificate.Thumbprint,
            certificate.NotAfter.ToUnixTimeMilliseconds(), caller.Remote?.ToString() ?? "?", name, JsonSerializer.Serialize(arguments.ToArray())),
            ForwardTimeout, cancellationToken);
        var refusal = RejectionReasonNames.FromWireCode((RejectionReasonCode)reply.RefusalCode);
        return new AdminCommandResult(reply.Ok, reply.ResultJson is { } json ? JsonNode.Parse(json) : null, reply.Error, refusal)
        {
            UsageError = reply.UsageError,
            AuditText = $"forwarded to {reply.AnsweredBy}: {reply.AuditText}",
        };
    }
}
