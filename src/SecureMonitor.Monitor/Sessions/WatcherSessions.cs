using System.Collections.Concurrent;
using SecureMonitor.Protocol.Wire;

namespace SecureMonitor.Monitor.Sessions;

/// <summary>
/// The watchers connected to this node right now, by host, so the monitor can push to them
/// (threshold rules). A host reconnecting replaces its older session here, and
/// <see cref="LiveSessions"/> closes that older one; a session leaving removes only its own entry.
/// </summary>
public sealed class WatcherSessions
{
    private readonly ConcurrentDictionary<string, WatcherSession> _sessions = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> ConnectedHosts => [.. _sessions.Keys];

    /// <summary>Raised (with the host id) once per connection, when the watcher has proved which key it
    /// seals with, so pushes to it can be sealed from then on. Handlers must not block.</summary>
    public event Action<string>? Ready;

    /// <summary>Closes the host's live connection, if any (its certificate or key was just revoked).</summary>
    public bool Disconnect(string hostId)
    {
        if (!_sessions.TryGetValue(hostId, out var session))
        {
            return false;
        }
        session.Abort();
        return true;
    }

    internal void OnReady(string hostId) => Ready?.Invoke(hostId);

    internal void Register(string hostId, WatcherSession session) => _sessions[hostId] = session;

    internal void Unregister(string hostId, WatcherSession session) =>
        _sessions.TryRemove(new KeyValuePair<string, WatcherSession>(hostId, session));

    /// <summary>Seals <paramref name="message"/> for the host and sends it on its live connection.
    /// False when the host is not connected or has not yet proved which key it uses.</summary>
    public async ValueTask<bool> PushAsync(string hostId, MonitorMessage message, CancellationToken cancellationToken) =>
        _sessions.TryGetValue(hostId, out var session) && await session.PushAsync(message, cancellationToken);
}
