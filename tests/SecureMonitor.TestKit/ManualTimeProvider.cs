namespace SecureMonitor.TestKit;

/// <summary>
/// A virtual clock. Time moves only in <see cref="Advance"/>, which fires every timer falling due
/// in the advanced span synchronously on the calling thread, in due-time order (ties in arming order),
/// with the clock set to each timer's due time while its callback runs. Periodic timers re-arm.
/// A timer due now (zero delay) fires at the next Advance, even Advance(TimeSpan.Zero).
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    public static readonly DateTimeOffset DefaultStart = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly object _gate = new();
    private readonly List<ManualTimer> _armed = [];
    private readonly DateTimeOffset _start;
    private DateTimeOffset _now;
    private long _armSequence;
    private TaskCompletionSource _timersChanged = NewSignal();

    public ManualTimeProvider(DateTimeOffset? start = null)
    {
        _start = _now = start ?? DefaultStart;
    }

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>Timers currently waiting to fire.</summary>
    public int ArmedTimerCount
    {
        get
        {
            lock (_gate)
            {
                return _armed.Count;
            }
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override long GetTimestamp() => (GetUtcNow() - _start).Ticks;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock forward, firing due timers on this thread before returning.</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_gate)
        {
            target = _now + delta;
        }

        while (TryTakeNextDue(target, out var timer))
        {
            timer.Fire();
        }

        lock (_gate)
        {
            _now = target;
        }
    }

    /// <summary>
    /// Waits (real time, at most <paramref name="within"/>) until at least <paramref name="count"/>
    /// timers are armed: the barrier to use before advancing past a timer armed on another thread,
    /// such as a supervisor's restart backoff.
    /// </summary>
    public async Task WaitForArmedTimersAsync(int count, TimeSpan? within = null)
    {
        var limit = within ?? TimeSpan.FromSeconds(3);
        using var deadline = new CancellationTokenSource(limit);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_armed.Count >= count)
                {
                    return;
                }

                changed = _timersChanged.Task;
            }

            try
            {
                await changed.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new TestKitAssertionException($"Expected at least {count} armed timer(s) within {limit}, but {ArmedTimerCount} are armed.");
            }
        }
    }

    internal void Arm(ManualTimer timer, TimeSpan dueTime)
    {
        lock (_gate)
        {
            timer.DueAt = _now + dueTime;
            timer.ArmSequence = ++_armSequence;
            if (!_armed.Contains(timer))
            {
                _armed.Add(timer);
            }

            SignalTimersChanged();
        }
    }

    internal void Disarm(ManualTimer timer)
    {
        lock (_gate)
        {
            _armed.Remove(timer);
            SignalTimersChanged();
        }
    }

    private bool TryTakeNextDue(DateTimeOffset target, out ManualTimer next)
    {
        lock (_gate)
        {
            next = null!;
            foreach (var timer in _armed)
            {
                if (timer.DueAt <= target && (next is null || (timer.DueAt, timer.ArmSequence).CompareTo((next.DueAt, next.ArmSequence)) < 0))
                {
                    next = timer;
                }
            }

            if (next is null)
            {
                return false;
            }

            if (next.DueAt > _now)
            {
                _now = next.DueAt;
            }

            if (next.Period > TimeSpan.Zero)
            {
                next.DueAt += next.Period;
                next.ArmSequence = ++_armSequence;
            }
            else
            {
                _armed.Remove(next);
                SignalTimersChanged();
            }

            return true;
        }
    }

    private void SignalTimersChanged()
    {
        _timersChanged.TrySetResult();
        _timersChanged = NewSignal();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
