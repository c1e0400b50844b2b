namespace SecureMonitor.Notifications;

/// <summary>Queueing and retry settings of <see cref="NotificationDispatcher"/>, shared by its channels.</summary>
public sealed class NotificationDispatcherOptions
{
    /// <summary>Notifications waiting per channel (<c>monitor.notify.queue-size</c>); beyond it they are dropped and counted.</summary>
    public int QueueCapacity { get; init; } = 1_000;

    /// <summary>Attempts per notification and channel, the first included; then it is given up and counted as failed.</summary>
    public int MaxAttempts { get; init; } = 8;

    /// <summary>Shortest wait before a retry.</summary>
    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait before a retry.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long <see cref="NotificationDispatcher.DisposeAsync"/> lets queued notifications go out.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a resolved incident's last version is remembered to refuse repeats.</summary>
    public TimeSpan RememberResolvedFor { get; init; } = TimeSpan.FromHours(1);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(QueueCapacity, 1, nameof(QueueCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1, nameof(MaxAttempts));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MinBackoff, TimeSpan.Zero, nameof(MinBackoff));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBackoff, MinBackoff, nameof(MaxBackoff));
        ArgumentOutOfRangeException.ThrowIfLessThan(DrainTimeout, TimeSpan.Zero, nameof(DrainTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(RememberResolvedFor, TimeSpan.Zero, nameof(RememberResolvedFor));
    }
}

/// <summary>Counters of one channel, for status displays. All counts are since the dispatcher started.</summary>
/// <param name="Queued">Waiting now.</param>
/// <param name="Delivered">Accepted by the receiver.</param>
/// <param name="Retried">Attempts after a failed one.</param>
/// <param name="Dropped">Refused at publication because the queue was full.</param>
/// <param name="Failed">Refused by the receiver, given up after the last attempt, or abandoned at shutdown.</param>
public sealed record ChannelStatus(string Channel, int Queued, long Delivered, long Retried, long Dropped, long Failed);

/// <summary>How one notification ended on one channel.</summary>
public enum DeliveryResult
{
    Delivered,
    /// <summary>The receiver refused it (e.g. HTTP 400); not retried.</summary>
    Rejected,
    /// <summary>Every attempt failed.</summary>
    GaveUp,
    /// <summary>The channel's queue was full.</summary>
    Dropped,
    /// <summary>Still queued when the drain bound of shutdown ran out.</summary>
    Abandoned,
}

/// <summary>Reported through <see cref="NotificationDispatcher.Outcome"/> once per notification and channel.</summary>
public sealed record DeliveryOutcome(string Channel, string IncidentId, long Version, bool IsRefresh, DeliveryResult Result, int Attempts);
