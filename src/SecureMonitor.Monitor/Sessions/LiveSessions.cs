using Microsoft.Extensions.Logging;
using SecureMonitor.Pki;
using SecureMonitor.Protocol;
using SecureMonitor.Transport;

namespace SecureMonitor.Monitor.Sessions;

/// <summary>
/// Every authenticated session on this node (watcher, admin, viewer, its tails included), by
/// certificate, so that a certificate's sessions can be bounded and ended:
/// <list type="bullet">
/// <item>A watcher host has one session. The newest wins and the older is closed: a watcher
/// reconnecting after a network cut is the real one, while the monitor may still hold its half-dead
/// old connection (no FIN arrived); refusing the newcomer would lock the host out until that one
/// timed out. It also keeps <see cref="WatcherSessions"/> pointing at the live connection.</item>
/// <item>An admin or viewer certificate may hold at most a few sessions (a console per window);
/// beyond that a new one is refused.</item>
/// <item>When the key ring reloads (<c>pki revoke</c>, <c>keys revoke</c>, any rewrite), every session
/// whose certificate is now revoked is closed.</item>
/// </list>
/// Thread-safe.
/// </summary>
public sealed partial class LiveSessions(int maxPerOperatorCertificate, IRevocationList revocations, ILogger<LiveSessions> log)
{
    private readonly Lock _lock = new();
    private readonly HashSet<Session> _sessions = [];
    private readonly Dictionary<string, Session> _watchers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _perCertificate = new(StringComparer.Ordinal);

    public int MaxPerOperatorCertificate => maxPerOperatorCertificate;

    /// <summary>Sessions open now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _sessions.Count;
            }
        }
    }

    /// <summary>Sessions open now with this certificate (by serial).</summary>
    public int CountOf(string serial)
    {
        lock (_lock)
        {
            return _perCertificate.GetValueOrDefault(serial);
        }
    }

    /// <summary>
    /// Admits a session of <paramref name="identity"/>; <paramref name="close"/> ends it from outside
    /// (replaced, revoked) and must not block. Dispose the lease when the session ends.
    /// </summary>
    /// <returns>Null, with <paramref name="refusal"/> and <paramref name="detail"/> saying why, when the
    /// certificate is revoked or already holds as many sessions as it may.</returns>
    public IDisposable? TryOpen(ConnectionIdentity identity, Action close, out RejectionReason refusal, out string detail)
    {
        if (revocations.IsRevoked(identity.Certificate.Serial))
        {
            (refusal, detail) = (RejectionReason.Revoked, "certificate revoked");
            return null;
        }
        var session = new Session(this, identity, close);
        Session? replaced = null;
        lock (_lock)
        {
            var serial = identity.Certificate.Serial;
            if (identity.HostId is { } hostId && identity.Role == CertificateRole.Watcher)
            {
                _watchers.Remove(hostId, out replaced);
                _watchers[hostId] = session;
            }
            else if (_perCertificate.GetValueOrDefault(serial) >= maxPerOperatorCertificate)
            {
                (refusal, detail) = (RejectionReason.RateLimited, $"this certificate already has {maxPerOperatorCertificate} session(s) open, the most it may");
                return null;
            }
            _sessions.Add(session);
            _perCertificate[serial] = _perCertificate.GetValueOrDefault(serial) + 1;
        }
        if (replaced is not null)
        {
            LogReplaced(log, replaced.Identity.Name, identity.Name);
            replaced.Close();
        }
        // Checked after joining the table: a reload racing with this open either sees the session or
        // has already swapped in the list this reads.
        if (revocations.IsRevoked(identity.Certificate.Serial))
        {
            session.Dispose();
            (refusal, detail) = (RejectionReason.Revoked, "certificate revoked");
            return null;
        }
        (refusal, detail) = (RejectionReason.None, "");
        return session;
    }

    /// <summary>Closes every session whose certificate the current revocation list names.</summary>
    /// <returns>How many were closed.</returns>
    public int CloseRevoked()
    {
        Session[] open;
        lock (_lock)
        {
            open = [.. _sessions];
        }
        // Asked outside the lock: asking may itself reload the list and so call this again.
        var revoked = open.Where(session => revocations.IsRevoked(session.Identity.Certificate.Serial)).ToList();
        foreach (var session in revoked)
        {
            LogClosingRevoked(log, session.Identity.Name, session.Identity.Certificate.Serial);
            session.Close();
        }
        return revoked.Count;
    }

    private void Remove(Session session)
    {
        lock (_lock)
        {
            if (!_sessions.Remove(session))
            {
                return;
            }
            var serial = session.Identity.Certificate.Serial;
            if (_perCertificate[serial] <= 1)
            {
                _perCertificate.Remove(serial);
            }
            else
            {
                _perCertificate[serial]--;
            }
            // Only its own entry: a newer session of the host may have taken the slot already.
            if (session.Identity.HostId is { } hostId && _watchers.TryGetValue(hostId, out var current) && current == session)
            {
                _watchers.Remove(hostId);
            }
        }
    }

    private sealed class Session(LiveSessions owner, ConnectionIdentity identity, Action close) : IDisposable
    {
        public ConnectionIdentity Identity => identity;

        public void Close() => close();

        public void Dispose() => owner.Remove(this);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {Old} closed: {New} connected with the same watcher certificate's host (the newest session wins)")]
    private static partial void LogReplaced(ILogger log, string old, string @new);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {Session} closed: its certificate {Serial} is revoked")]
    private static partial void LogClosingRevoked(ILogger log, string session, string serial);
}
