using SecureMonitor.Monitor.Node;
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
/// run commands, viewers run read-only commands. Any other role is refused. Every session is
/// admitted by <see cref="LiveSessions"/> (one per watcher host, a few per operator certificate) and
/// ends when that closes it (replaced by a newer session, or its certificate revoked).
/// </summary>
public sealed class MonitorSessionHandler(ISessionRouting routing, RejectionCounters rejections, IEnvelopeKeyProvider keys,
    HostRateLimiter rateLimiter, LiveSessions sessions, TimeProvider time) : ISecureSessionHandler
{
    public async Task RunAsync(AuthenticatedConnection connection, CancellationToken stopping)
    {
        var identity = connection.Identity;
        LeaderTerm? term = null;
        switch (identity.Role)
        {
            case CertificateRole.Watcher:
                // A term whose end has begun (its lease is running out) takes no new watchers either: they
                // would be dropped at once, and retry here instead of going to the next leader.
                term = routing.Term;
                if (term is null || term.Ending.IsCancellationRequested)
                {
                    await connection.SendAsync(Frames.NotLeader(routing.RedirectEndpoints, routing.LeaderNodeId ?? ""), stopping);
                    return;
                }
                break;
            case CertificateRole.Admin or CertificateRole.Viewer:
                break;
            default:
                await RefuseAsync(connection, identity.HostId, RejectionReason.WrongRole, $"role {identity.Role} may not connect to the monitor port", stopping);
                return;
        }

        using var closed = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        using var lease = sessions.TryOpen(identity, () => Close(closed), out var refusal, out var detail);
        if (lease is null)
        {
            // Counted as the admin session counts its caller's refusals.
            var countedAs = identity.HostId ?? $"{identity.Role.ToString().ToLowerInvariant()}:{identity.Certificate.Name}";
            await RefuseAsync(connection, countedAs, refusal, detail, stopping, tellPeer: true);
            return;
        }
        try
        {
            await (term is not null
                ? RunWatcherAsync(connection, term, closed.Token, stopping)
                : new AdminSession(connection, routing.Admin, rejections).RunAsync(closed.Token));
        }
        catch (OperationCanceledException) when (closed.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            // Closed from outside (a newer session of the host, a revocation, the term's end):
            // closing the connection is the message.
        }
    }

    private async Task RunWatcherAsync(AuthenticatedConnection connection, LeaderTerm term, CancellationToken closed, CancellationToken stopping)
    {
        // The session ends with the term: a node that steps down drops its watchers at once, and
        // they resend everything unacknowledged to the new leader.
        using var session = CancellationTokenSource.CreateLinkedTokenSource(closed, term.Ending);
        try
        {
            await new WatcherSession(connection, term.Verifier, rejections, term.Watchers, keys, rateLimiter, time).RunAsync(session.Token);
        }
        catch (OperationCanceledException) when (term.Ending.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            // Stepped down mid-session; closing the connection is the message.
        }
    }

    private static void Close(CancellationTokenSource closed)
    {
        try
        {
            closed.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The session ended on its own meanwhile.
        }
    }

    /// <param name="tellPeer">Send <paramref name="detail"/> to the peer (it is about the peer's own
    /// certificate, and the console shows it); otherwise only the reason's name.</param>
    private async Task RefuseAsync(AuthenticatedConnection connection, string? countedAs, RejectionReason reason, string detail,
        CancellationToken stopping, bool tellPeer = false)
    {
        rejections.Reject(countedAs, reason, detail, connection.Identity.Remote);
        await connection.SendAsync(Frames.Rejection(reason, tellPeer ? detail : reason.ToMetricName()), stopping);
    }
}
