using SecureMonitor.Actors.Internal;

namespace SecureMonitor.Actors;

/// <summary>Used only from its actor's thread; the timer callbacks touch nothing but the mailbox.</summary>
internal sealed class TimerScheduler(ActorCell owner, TimeProvider time) : ITimerScheduler
{
    private readonly Dictionary<object, Entry> _timers = [];
    private long _generation;

    public void StartSingle(object key, object message, TimeSpan delay) =>
        Start(key, message, delay, Timeout.InfiniteTimeSpan);

    public void StartPeriodic(object key, object message, TimeSpan interval) =>
        StartPeriodic(key, message, interval, interval);

    public void StartPeriodic(object key, object message, TimeSpan initialDelay, TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        Start(key, message, initialDelay, interval);
    }

    public bool IsActive(object key) => _timers.ContainsKey(key);

    public void Cancel(object key)
    {
        if (_timers.Remove(key, out var entry))
        {
            entry.Timer?.Dispose();
        }
    }

    public void CancelAll()
    {
        foreach (var entry in _timers.Values)
        {
            entry.Timer?.Dispose();
        }

        _timers.Clear();
    }

    /// <summary>True if the fired message belongs to a timer that is still current.</summary>
    public bool Accept(TimerFired fired)
    {
        if (!_timers.TryGetValue(fired.Key, out var entry) || entry.Generation != fired.Generation)
        {
            return false;
        }

        if (!entry.Periodic)
        {
            _timers.Remove(fired.Key);
            entry.Timer?.Dispose();
        }

        return true;
    }

    private void Start(object key, object message, TimeSpan delay, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(message);
        Cancel(key);
        var fired = new TimerFired(owner, key, ++_generation, message);
        var periodic = period != Timeout.InfiniteTimeSpan;
        if (!periodic && delay <= TimeSpan.Zero)
        {
            _timers[key] = new Entry(null, fired.Generation, Periodic: false);
            Deliver(fired);
            return;
        }

        var timer = time.CreateTimer(static state => Deliver((TimerFired)state!), fired, delay < TimeSpan.Zero ? TimeSpan.Zero : delay, period);
        _timers[key] = new Entry(timer, fired.Generation, periodic);
    }

    private static void Deliver(TimerFired fired) => fired.Owner.Self.Tell(fired, fired.Owner.Self);

    private sealed record Entry(ITimer? Timer, long Generation, bool Periodic);
}
