namespace SecureMonitor.Monitor.Hosts;

/// <summary>
/// Follows one watcher's count of messages its full spool refused (the heartbeat's <c>spool_dropped</c>,
/// counted since the watcher started) and says when an episode of drops begins: the count grew after a
/// heartbeat where it had not (or after the first heartbeat seen), so a spool that keeps dropping for a
/// while is one alert, not one per heartbeat. A count that falls means the watcher restarted, and its
/// count starts again from 0. Pure: one owner (the host's actor) calls it.
/// </summary>
/// <param name="lastReported">The count of the last alert stored about this watcher (0: none), so a new
/// term does not report again what the previous one did.</param>
public sealed class SpoolDropEpisodes(ulong lastReported = 0)
{
    private ulong _last = lastReported;
    private bool _dropping;

    /// <summary>The messages dropped since the previous heartbeat when <paramref name="count"/> begins a new
    /// episode; null when it does not (no growth, or the episode goes on).</summary>
    public ulong? Observe(ulong count)
    {
        if (count < _last)
        {
            _last = 0;
            _dropping = false;
        }
        if (count == _last)
        {
            _dropping = false;
            return null;
        }
        var dropped = count - _last;
        _last = count;
        if (_dropping)
        {
            return null;
        }
        _dropping = true;
        return dropped;
    }
}
