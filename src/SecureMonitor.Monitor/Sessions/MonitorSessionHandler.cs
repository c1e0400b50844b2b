using SecureMonitor.Monitor.Security;
using SecureMonitor.Pki;
using SecureMonitor.Protocol;
using SecureMonitor.Protocol.Sealing;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Transport.Listening;

namespace SecureMonitor.Monitor.Sessions;

/// <summary>
/// Decides by the certificate's role what a connection may do: watchers send sealed envelopes for
/// their own host (to the leader only: a follower answers "not leader; try X" and closes), admins
/// run commands, viewers run read-only commands. Any other role is refused.
/// </summary>
public sealed class MonitorSessionHandler(ISessionRouting routing, RejectionCounters rejections, IEnvelopeKeyProvider keys,
    HostRateLimiter rateLimiter, TimeProvider time) : ISecureSessionHandler
{
    public Task RunAsync(AuthenticatedConnection connection, CancellationToken stopping) => connection.Identity.Role switch
    {
        CertificateRole.Watcher => RunWatcherAsync(connection, stopping),
        CertificateRole.Admin or CertificateRole.Viewer => new AdminSession(connection, routing.Admin, rejections).RunAsync(stopping),
        _ => RefuseAsync(connection, stopping),
    };

    private async Task RunWatcherAsync(AuthenticatedConnection connection, CancellationToken stopping)
    {
        // A term whose end has begun (its lease is running out) takes no new watchers either: they
        // would be dropped at once, and retry here instead of going to the next leader.
        if (routing.Term is not { } term || term.Ending.IsCancellationRequested)
        {
            await connection.SendAsync(Frames.NotLeader(routing.RedirectEndpoints, routing.LeaderNodeId ?? ""), stopping);
            return;
        }
        // The session ends with the term: a node that steps down drops its watchers at once, and
        // they resend everything unacknowledged to the new leader.
        using var session = CancellationTokenSource.CreateLinkedTokenSource(stopping, term.Ending);
        try
        {
            await new WatcherSession(connection, term.Verifier, rejections, term.Watchers, keys, rateLimiter, time).RunAsync(session.Token);
        }
        catch (OperationCanceledException) when (term.Ending.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            // Stepped down mid-session; closing the connection is the message.
        }
    }

    private async Task RefuseAsync(AuthenticatedConnection connection, CancellationToken stopping)
    {
        rejections.Reject(connection.Identity.HostId, RejectionReason.WrongRole,
            $"role {connection.Identity.Role} may not connect to the monitor port", connection.Identity.Remote);
        await connection.SendAsync(Frames.Rejection(RejectionReason.WrongRole, "wrong_role"), stopping);
    }
}
