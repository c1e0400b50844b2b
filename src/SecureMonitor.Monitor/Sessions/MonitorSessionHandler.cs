using SecureMonitor.Monitor.Admin;
using SecureMonitor.Monitor.Security;
using SecureMonitor.Monitor.Verification;
using SecureMonitor.Pki;
using SecureMonitor.Protocol;
using SecureMonitor.Protocol.Sealing;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Transport.Listening;

namespace SecureMonitor.Monitor.Sessions;

/// <summary>
/// Decides by the certificate's role what a connection may do: watchers send sealed envelopes for
/// their own host, admins run commands, viewers run read-only commands. Any other role is refused.
/// </summary>
public sealed class MonitorSessionHandler(EnvelopeVerifier verifier, AdminCommandHandler admin, RejectionCounters rejections,
    WatcherSessions sessions, IEnvelopeKeyProvider keys, HostRateLimiter rateLimiter, TimeProvider time)
    : ISecureSessionHandler
{
    public Task RunAsync(AuthenticatedConnection connection, CancellationToken stopping) => connection.Identity.Role switch
    {
        CertificateRole.Watcher => new WatcherSession(connection, verifier, rejections, sessions, keys, rateLimiter, time).RunAsync(stopping),
        CertificateRole.Admin or CertificateRole.Viewer => new AdminSession(connection, admin, rejections).RunAsync(stopping),
        _ => RefuseAsync(connection, stopping),
    };

    private async Task RefuseAsync(AuthenticatedConnection connection, CancellationToken stopping)
    {
        rejections.Reject(connection.Identity.HostId, RejectionReason.WrongRole,
            $"role {connection.Identity.Role} may not connect to the monitor port", connection.Identity.Remote);
        await connection.SendAsync(Frames.Rejection(RejectionReason.WrongRole, "wrong_role"), stopping);
    }
}
