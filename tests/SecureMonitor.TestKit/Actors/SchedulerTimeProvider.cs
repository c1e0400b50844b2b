using Akka.Actor;

namespace SecureMonitor.TestKit.Actors;

/// <summary>
/// A <see cref="TimeProvider"/> that reads an Akka scheduler's clock and runs its timers on that
/// scheduler, so code outside actors shares the actors' (virtual) time: one clock per test.
/// </summary>
public sealed class SchedulerTimeProvider(IScheduler scheduler) : TimeProvider
{
    private readonly DateTimeOffset _start = scheduler.Now;

    public override DateTimeOffset GetUtcNow() => scheduler.Now;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => (scheduler.Now - _start).Ticks;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new SchedulerTimer(scheduler, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class SchedulerTimer(IScheduler scheduler, TimerCallback callback, object? state) : ITimer
    {
        private readonly Lock _gate = new();
        private ICancelable? _scheduled;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (_gate)
            {
                _scheduled?.Cancel();
                _scheduled = null;
                if (dueTime == Timeout.InfiniteTimeSpan)
                {
                    return true;
                }
                var cancelable = new Cancelable(scheduler);
                if (period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero)
                {
                    scheduler.Advanced.ScheduleOnce(dueTime, () => callback(state), cancelable);
                }
                else
                {
                    scheduler.Advanced.ScheduleRepeatedly(dueTime, period, () => callback(state), cancelable);
                }
                _scheduled = cancelable;
                return true;
            }
        }

        public void Dispose() => Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
