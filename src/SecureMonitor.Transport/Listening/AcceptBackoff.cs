namespace SecureMonitor.Transport.Listening;

/// <summary>
/// What the accept loop does after accept fails (out of descriptors, out of memory for socket
/// buffers): wait before trying again, longer after each failure in a row, and log the first failure
/// of a burst with a count of those not logged. Retrying at once spins one core, writes tens of
/// thousands of log lines a second and starves the connections whose end would free descriptors.
/// </summary>
public sealed class AcceptBackoff(TimeProvider time)
{
    public static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(10);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(1);

    /// <summary>At most one accept-failure line per window.</summary>
    public static readonly TimeSpan LogWindow = TimeSpan.FromSeconds(10);

    private TimeSpan _next = FirstDelay;
    private DateTimeOffset? _loggedAt;
    private long _unlogged;

    /// <summary>Records a failure; returns how long to wait, and whether to log it (with how many
    /// failures went unlogged since the last line).</summary>
    public (TimeSpan Delay, bool Log, long Unlogged) Failed()
    {
        var delay = _next;
        _next = TimeSpan.FromTicks(Math.Min(_next.Ticks * 2, MaxDelay.Ticks));
        var now = time.GetUtcNow();
        if (_loggedAt is { } logged && now - logged < LogWindow)
        {
            _unlogged++;
            return (delay, false, 0);
        }
        var unlogged = _unlogged;
        _loggedAt = now;
        _unlogged = 0;
        return (delay, true, unlogged);
    }

    /// <summary>An accept worked: the next failure waits the shortest time again.</summary>
    public void Succeeded() => _next = FirstDelay;
}
