using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SecureMonitor.Notifications;

/// <summary>
/// Hands incident changes to every channel, once each, without ever blocking the caller.
/// <code>
/// Publish ─► dedupe (incident, version) ─┬─► [bounded queue] ─► delivery loop ─► log channel
///                                         ├─► [bounded queue] ─► delivery loop ─► webhook
/// Refresh (open incidents) ───────────────┴─► [bounded queue] ─► delivery loop ─► alertmanager
/// </code>
/// <list type="bullet">
/// <item>One bounded queue and one delivery loop per channel: a slow or dead receiver delays only
/// its own channel, and a channel sees notifications one at a time, in publication order (an
/// incident's resolution never overtakes its opening). A full queue drops the notification,
/// counts it and logs once per burst.</item>
/// <item>Failed attempts are retried with exponential backoff and jitter (<see
/// cref="NotificationDispatcherOptions.MinBackoff"/> doubling up to <see
/// cref="NotificationDispatcherOptions.MaxBackoff"/>) up to <see
/// cref="NotificationDispatcherOptions.MaxAttempts"/>; refusals are not retried. Waits run on the
/// injected <see cref="TimeProvider"/>.</item>
/// <item>At most once per change and channel: <see cref="Publish"/> accepts a version of an
/// incident only if it is newer than every version published before, so a change published
/// twice (or late, after a newer one) is notified once. Over the wire a retry after a timeout may
/// still repeat a delivery the receiver had processed; receivers dedupe on (incident, version).</item>
/// </list>
/// </summary>
public sealed partial class NotificationDispatcher : IAsyncDisposable
{
    private readonly NotificationDispatcherOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly ChannelState[] _channels;
    private readonly Task[] _loops;
    private readonly CancellationTokenSource _shutdown = new(); // cuts backoff waits short
    private readonly CancellationTokenSource _abort = new();    // cancels sends in flight
    private readonly Lock _gate = new();
    private readonly Dictionary<string, IncidentMark> _incidents = new(StringComparer.Ordinal);
    private DateTimeOffset _nextForget;
    private long _duplicates;
    private int _disposed;

    public NotificationDispatcher(IEnumerable<INotificationChannel> channels, NotificationDispatcherOptions? options = null,
        TimeProvider? time = null, ILogger<NotificationDispatcher>? log = null)
    {
        ArgumentNullException.ThrowIfNull(channels);
        _options = options ?? new NotificationDispatcherOptions();
        _options.Validate();
        _time = time ?? TimeProvider.System;
        _log = (ILogger?)log ?? NullLogger.Instance;
        _channels = [.. channels.Select(channel => new ChannelState(channel, _options.QueueCapacity))];
        var duplicate = _channels.GroupBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"two channels are named '{duplicate.Key}'", nameof(channels));
        }
        _nextForget = _time.GetUtcNow() + _options.RememberResolvedFor;
        _loops = [.. _channels.Select(state => Task.Run(() => RunAsync(state)))];
    }

    /// <summary>
    /// Raised once per notification and channel when its fate is known (delivered, refused, given
    /// up, dropped, abandoned), on the delivery loop's thread (for drops, the publisher's, under the
    /// dispatcher's lock); for metrics and tests. Handlers must be quick, must not call back into the
    /// dispatcher, and must not throw (exceptions are logged and ignored).
    /// </summary>
    public event Action<DeliveryOutcome>? Outcome;

    /// <summary>Raised once per accepted change (never for duplicates or refreshes), in publication
    /// order, before any channel sees it: for observers inside the process, such as the admin
    /// console's live feed. Handlers must not block.</summary>
    public event Action<IncidentNotification>? Published;

    /// <summary>Publications ignored because their version was not newer than one already published.</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>
    /// The longest interval at which the monitor must call <see cref="Refresh"/> for each open
    /// incident, or null when no channel needs refreshes.
    /// </summary>
    public TimeSpan? RefreshInterval =>
        _channels.Select(c => c.Channel).OfType<IRefreshingChannel>().Select(c => (TimeSpan?)c.RefreshInterval).Min();

    /// <summary>
    /// Queues a change for every channel and returns at once. False when the same or a newer
    /// version of the incident was published before (it is then not sent again).
    /// </summary>
    /// <exception cref="ObjectDisposedException">After <see cref="DisposeAsync"/>.</exception>
    public bool Publish(IncidentNotification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        notification.Validate();
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            ForgetOldResolved(now);
            if (_incidents.TryGetValue(notification.IncidentId, out var mark) && notification.Version <= mark.Version)
            {
                Interlocked.Increment(ref _duplicates);
                LogDuplicate(_log, notification.IncidentId, notification.Version, mark.Version);
                return false;
            }
            _incidents[notification.IncidentId] =
                new IncidentMark(notification.Version, notification.State == IncidentState.Resolved, now);
            // Queued under the lock (TryWrite never blocks), so concurrent publishers cannot put an
            // incident's versions into a queue out of order.
            foreach (var state in _channels)
            {
                Enqueue(state, new Work(notification, IsRefresh: false));
            }
            Published?.Invoke(notification);
        }
        return true;
    }

    /// <summary>
    /// Re-sends an open incident to the channels that forget unrefreshed alerts (Alertmanager) and
    /// to no other. Ignored (false) for resolved incidents and for versions older than the newest
    /// published, so a late refresh cannot revive a resolved alert or undo a change. After a
    /// failover the new leader refreshes the open incidents it took over.
    /// </summary>
    public bool Refresh(IncidentNotification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        notification.Validate();
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (notification.State == IncidentState.Resolved)
        {
            return false;
        }
        lock (_gate)
        {
            // Checked and queued under one lock: a resolution published concurrently is queued
            // either before this check (refresh refused) or after the refresh (and so sent after it).
            if (_incidents.TryGetValue(notification.IncidentId, out var mark)
                && (mark.Resolved || notification.Version < mark.Version))
            {
                return false;
            }
            var any = false;
            foreach (var state in _channels)
            {
                if (state.Channel is IRefreshingChannel)
                {
                    Enqueue(state, new Work(notification, IsRefresh: true));
                    any = true;
                }
            }
            return any;
        }
    }

    /// <summary>Counters of every channel, in registration order.</summary>
    public IReadOnlyList<ChannelStatus> Status() => [.. _channels.Select(Snapshot)];

    /// <summary>Counters of one channel.</summary>
    public ChannelStatus StatusOf(string channel) =>
        Snapshot(_channels.FirstOrDefault(c => c.Name == channel)
                 ?? throw new ArgumentException($"no channel named '{channel}'", nameof(channel)));

    /// <summary>
    /// Stops accepting notifications and lets the queued ones go out for at most
    /// <see cref="NotificationDispatcherOptions.DrainTimeout"/>: pending backoff waits end at once
    /// and each notification gets one more attempt. What is still queued after the bound is
    /// abandoned (counted as failed) and sends in flight are cancelled.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        foreach (var state in _channels)
        {
            state.Queue.Writer.TryComplete();
        }
        await _shutdown.CancelAsync().ConfigureAwait(false);
        var loops = Task.WhenAll(_loops);
        try
        {
            await loops.WaitAsync(_options.DrainTimeout, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogDrainTimedOut(_log, _options.DrainTimeout.TotalSeconds);
            await _abort.CancelAsync().ConfigureAwait(false);
            try
            {
                // Channels honour cancellation, so this ends soon; bounded anyway against one that does not.
                await loops.WaitAsync(_options.DrainTimeout, _time).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                LogChannelHung(_log);
                return; // leave the CTSs undisposed: a hung loop may still observe them
            }
        }
        _shutdown.Dispose();
        _abort.Dispose();
    }

    private void Enqueue(ChannelState state, Work work)
    {
        if (state.Queue.Writer.TryWrite(work))
        {
            if (Interlocked.Exchange(ref state.DropBurst, 0) != 0)
            {
                LogQueueAcceptingAgain(_log, state.Name, state.Dropped);
            }
            return;
        }
        Interlocked.Increment(ref state.DroppedCount);
        if (Interlocked.Exchange(ref state.DropBurst, 1) == 0)
        {
            LogQueueFull(_log, state.Name, _options.QueueCapacity, work.Notification.IncidentId, work.Notification.Version);
        }
        Report(state, work, DeliveryResult.Dropped, attempts: 0);
    }

    private async Task RunAsync(ChannelState state)
    {
        var abandoned = 0;
        // Ends when DisposeAsync completes the queue and the queue is empty.
        await foreach (var work in state.Queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (_abort.IsCancellationRequested)
            {
                abandoned++;
                Interlocked.Increment(ref state.FailedCount);
                Report(state, work, DeliveryResult.Abandoned, attempts: 0);
                continue;
            }
            try
            {
                await DeliverAsync(state, work).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // DeliverAsync handles every failure of the channel; this is a bug of ours. Keep going.
                LogLoopFault(_log, ex, state.Name);
            }
        }
        if (abandoned > 0)
        {
            LogAbandoned(_log, state.Name, abandoned);
        }
    }

    private async Task DeliverAsync(ChannelState state, Work work)
    {
        var notification = work.Notification;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await state.Channel.SendAsync(notification, _abort.Token).ConfigureAwait(false);
                Interlocked.Increment(ref state.DeliveredCount);
                Report(state, work, DeliveryResult.Delivered, attempt);
                return;
            }
            catch (NotificationRejectedException ex)
            {
                Interlocked.Increment(ref state.FailedCount);
                LogRejected(_log, state.Name, notification.IncidentId, notification.Version, ex.Message);
                Report(state, work, DeliveryResult.Rejected, attempt);
                return;
            }
            catch (OperationCanceledException) when (_abort.IsCancellationRequested)
            {
                Interlocked.Increment(ref state.FailedCount);
                Report(state, work, DeliveryResult.Abandoned, attempt);
                return;
            }
            catch (Exception ex)
            {
                var reason = Describe(ex);
                if (attempt >= _options.MaxAttempts || _shutdown.IsCancellationRequested)
                {
                    Interlocked.Increment(ref state.FailedCount);
                    LogGaveUp(_log, state.Name, notification.IncidentId, notification.Version, attempt, reason);
                    Report(state, work, DeliveryResult.GaveUp, attempt);
                    return;
                }
                var delay = Backoff(attempt, _options.MinBackoff, _options.MaxBackoff, Random.Shared.NextDouble());
                LogRetrying(_log, state.Name, notification.IncidentId, notification.Version, attempt,
                    _options.MaxAttempts, reason, (long)delay.TotalMilliseconds);
                try
                {
                    await Task.Delay(delay, _time, _shutdown.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Shutting down: skip the wait, one last attempt.
                }
                Interlocked.Increment(ref state.RetriedCount);
            }
        }
    }

    /// <summary>
    /// The wait before retry number <paramref name="retry"/> (1 for the first): a ceiling doubling
    /// from <paramref name="min"/> up to <paramref name="max"/>, and a delay drawn uniformly from the
    /// upper half of it ("equal jitter", so watchers of one outage do not retry in step), never
    /// outside [min, max]. <paramref name="jitter"/> is uniform in [0, 1).
    /// </summary>
    internal static TimeSpan Backoff(int retry, TimeSpan min, TimeSpan max, double jitter)
    {
        var ceiling = Math.Min(max.TotalMilliseconds, min.TotalMilliseconds * Math.Pow(2, Math.Clamp(retry - 1, 0, 40)));
        var milliseconds = ceiling / 2 + Math.Clamp(jitter, 0, 1) * ceiling / 2;
        return TimeSpan.FromMilliseconds(Math.Clamp(milliseconds, min.TotalMilliseconds, max.TotalMilliseconds));
    }

    private void ForgetOldResolved(DateTimeOffset now)
    {
        // Open incidents are few; resolved ones would pile up: forget them after a while (under _gate).
        if (now < _nextForget)
        {
            return;
        }
        foreach (var (id, mark) in _incidents.ToArray())
        {
            if (mark.Resolved && now - mark.Seen >= _options.RememberResolvedFor)
            {
                _incidents.Remove(id);
            }
        }
        _nextForget = now + _options.RememberResolvedFor / 4;
    }

    private void Report(ChannelState state, Work work, DeliveryResult result, int attempts)
    {
        var handler = Outcome;
        if (handler is null)
        {
            return;
        }
        try
        {
            handler(new DeliveryOutcome(state.Name, work.Notification.IncidentId, work.Notification.Version,
                work.IsRefresh, result, attempts));
        }
        catch (Exception ex)
        {
            LogOutcomeHandlerFault(_log, ex);
        }
    }

    private static ChannelStatus Snapshot(ChannelState s) => new(s.Name, s.Queue.Reader.Count,
        Interlocked.Read(ref s.DeliveredCount), Interlocked.Read(ref s.RetriedCount), s.Dropped, Interlocked.Read(ref s.FailedCount));

    // Our channel exceptions carry messages written to be logged; for others, the type says enough
    // and their messages are still only the receiver's host and port in .NET's HTTP stack.
    private static string Describe(Exception ex) =>
        ex is NotificationDeliveryException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";

    private readonly record struct Work(IncidentNotification Notification, bool IsRefresh);

    private readonly record struct IncidentMark(long Version, bool Resolved, DateTimeOffset Seen);

    private sealed class ChannelState(INotificationChannel channel, int capacity)
    {
        public readonly INotificationChannel Channel = channel;
        public readonly string Name = channel.Name;
        public readonly Channel<Work> Queue = System.Threading.Channels.Channel.CreateBounded<Work>(
            new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        public long DeliveredCount;
        public long RetriedCount;
        public long DroppedCount;
        public long FailedCount;
        public int DropBurst;

        public long Dropped => Interlocked.Read(ref DroppedCount);
    }

    [LoggerMessage(EventId = 4110, Level = LogLevel.Debug,
        Message = "Incident {IncidentId} v{Version} not notified again: v{Known} was already published")]
    private static partial void LogDuplicate(ILogger log, string incidentId, long version, long known);

    [LoggerMessage(EventId = 4111, Level = LogLevel.Warning,
        Message = "Notification queue of {Channel} is full ({Capacity}): dropping notifications, starting with incident {IncidentId} v{Version}, until it drains")]
    private static partial void LogQueueFull(ILogger log, string channel, int capacity, string incidentId, long version);

    [LoggerMessage(EventId = 4112, Level = LogLevel.Information,
        Message = "Notification queue of {Channel} accepts again ({Dropped} dropped since start)")]
    private static partial void LogQueueAcceptingAgain(ILogger log, string channel, long dropped);

    [LoggerMessage(EventId = 4113, Level = LogLevel.Information,
        Message = "Notifying {Channel} of incident {IncidentId} v{Version} failed (attempt {Attempt}/{MaxAttempts}): {Reason}; retrying in {DelayMs} ms")]
    private static partial void LogRetrying(ILogger log, string channel, string incidentId, long version, int attempt,
        int maxAttempts, string reason, long delayMs);

    [LoggerMessage(EventId = 4114, Level = LogLevel.Error,
        Message = "Gave up notifying {Channel} of incident {IncidentId} v{Version} after {Attempts} attempts: {Reason}")]
    private static partial void LogGaveUp(ILogger log, string channel, string incidentId, long version, int attempts, string reason);

    [LoggerMessage(EventId = 4115, Level = LogLevel.Error,
        Message = "{Channel} refused incident {IncidentId} v{Version}, dropped without retry: {Reason}")]
    private static partial void LogRejected(ILogger log, string channel, string incidentId, long version, string reason);

    [LoggerMessage(EventId = 4116, Level = LogLevel.Warning,
        Message = "Notifications not drained within {Seconds} s at shutdown; cancelling the rest")]
    private static partial void LogDrainTimedOut(ILogger log, double seconds);

    [LoggerMessage(EventId = 4117, Level = LogLevel.Warning,
        Message = "{Channel}: {Count} queued notifications abandoned at shutdown")]
    private static partial void LogAbandoned(ILogger log, string channel, int count);

    [LoggerMessage(EventId = 4118, Level = LogLevel.Error, Message = "A notification channel ignored cancellation at shutdown")]
    private static partial void LogChannelHung(ILogger log);

    [LoggerMessage(EventId = 4119, Level = LogLevel.Error, Message = "Delivery loop of {Channel} faulted; continuing")]
    private static partial void LogLoopFault(ILogger log, Exception exception, string channel);

    [LoggerMessage(EventId = 4120, Level = LogLevel.Error, Message = "A delivery outcome handler threw")]
    private static partial void LogOutcomeHandlerFault(ILogger log, Exception exception);
}
