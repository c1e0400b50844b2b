using System.Text.Json;
using Akka.Actor;
using SecureMonitor.Pki;
using SecureMonitor.Protocol;
using SecureMonitor.Transport;

namespace SecureMonitor.Monitor.Admin.Forwarding;

/// <summary>
/// The singleton's side of admin forwarding: runs a command a follower forwarded with this node's
/// command handler (which checks the caller's role again and audits it here, under the term's fence)
/// and answers with the result.
/// </summary>
public sealed class AdminForwardActor : ReceiveActor
{
    public AdminForwardActor(Func<AdminCommandHandler> handler, string nodeId)
    {
        ReceiveAsync<ForwardedAdminCommand>(async forwarded =>
        {
            var replyTo = Sender;
            if (!CertificateRoleExtensions.TryParseWireName(forwarded.CallerRole, out var role))
            {
                replyTo.Tell(new ForwardedAdminReply(false, null, $"unknown role '{forwarded.CallerRole}'", (int)RejectionReason.WrongRole.ToWireCode(),
                    false, "refused: unknown role", nodeId));
                return;
            }
            var result = await handler().ExecuteAsync(CallerOf(forwarded, role), forwarded.Name, ArgumentsOf(forwarded), CancellationToken.None);
            replyTo.Tell(new ForwardedAdminReply(result.Ok, result.Result?.ToJsonString(), result.Error, (int)result.Refusal.ToWireCode(),
                result.UsageError, result.AuditText, nodeId));
        });
    }

    private static ConnectionIdentity CallerOf(ForwardedAdminCommand forwarded, CertificateRole role) => new(
        new CertificateIdentity(role, forwarded.CallerName, forwarded.CallerHostId,
            forwarded.CallerSerial, forwarded.CallerThumbprint, DateTimeOffset.FromUnixTimeMilliseconds(forwarded.CallerNotAfterUnixMs)),
        new ForwardedEndPoint(forwarded.Remote));

    private static IReadOnlyList<string> ArgumentsOf(ForwardedAdminCommand forwarded) =>
        JsonSerializer.Deserialize<string[]>(forwarded.ArgumentsJson) ?? [];

    /// <summary>Where the console is, as the follower saw it (for the audit log and logs only).</summary>
    private sealed class ForwardedEndPoint(string text) : System.Net.EndPoint
    {
        public override string ToString() => text + " via a follower";
    }
}
