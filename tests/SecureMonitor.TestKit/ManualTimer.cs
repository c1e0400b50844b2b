namespace SecureMonitor.TestKit;

/// <summary>A timer of <see cref="ManualTimeProvider"/>; due times and order are kept by the provider.</summary>
internal sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
{
    private bool _disposed;

    internal DateTimeOffset DueAt { get; set; }

    internal long ArmSequence { get; set; }

    /// <summary>Zero when one-shot.</summary>
    internal TimeSpan Period { get; private set; }

    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime < TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(dueTime));
        }

        if (period < TimeSpan.Zero && period != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(period));
        }

        if (Volatile.Read(ref _disposed))
        {
            return false;
        }

        Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
        if (dueTime == Timeout.InfiniteTimeSpan)
        {
            owner.Disarm(this);
        }
        else
        {
            owner.Arm(this, dueTime);
        }

        return true;
    }

    internal void Fire() => callback(state);

    public void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        owner.Disarm(this);
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
