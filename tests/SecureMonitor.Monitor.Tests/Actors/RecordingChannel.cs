using System.Threading.Channels;
using SecureMonitor.Notifications;

namespace SecureMonitor.Monitor.Tests.Actors;

/// <summary>A notification channel that keeps what it is sent, for the test to read with a bound.</summary>
internal sealed class RecordingChannel : INotificationChannel
{
    private readonly Channel<IncidentNotification> _received = Channel.CreateUnbounded<IncidentNotification>();
    private readonly List<IncidentNotification> _all = [];

    public string Name => "recording";

    /// <summary>Everything delivered so far, in delivery order.</summary>
    public IReadOnlyList<IncidentNotification> All
    {
        get
        {
            lock (_all)
            {
                return [.. _all];
            }
        }
    }

    public Task SendAsync(IncidentNotification notification, CancellationToken cancellationToken)
    {
        lock (_all)
        {
            _all.Add(notification);
        }
        _received.Writer.TryWrite(notification);
        return Task.CompletedTask;
    }

    /// <summary>The next notification not yet taken, waiting at most <paramref name="within"/> of real time.</summary>
    public async Task<IncidentNotification> NextAsync(TimeSpan? within = null)
    {
        var limit = within ?? TimeSpan.FromSeconds(3);
        if (await ArrivesWithinAsync(limit) && _received.Reader.TryRead(out var next))
        {
            return next;
        }
        throw new TestKitAssertionException($"no notification within {limit}; delivered so far: {Describe(All)}");
    }

    /// <summary>Fails if a notification not yet taken is there, or arrives within <paramref name="within"/> (keep it short).</summary>
    public async Task ExpectNoneAsync(TimeSpan within)
    {
        if (await ArrivesWithinAsync(within) && _received.Reader.TryRead(out var unexpected))
        {
            throw new TestKitAssertionException($"expected no notification, but got {unexpected.Change} of {unexpected.IncidentId} v{unexpected.Version}");
        }
    }

    // Waits without taking: a wait that times out must not swallow the notification that comes later.
    private async Task<bool> ArrivesWithinAsync(TimeSpan within)
    {
        try
        {
            return await _received.Reader.WaitToReadAsync().AsTask().WaitAsync(within);
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private static string Describe(IEnumerable<IncidentNotification> notifications) =>
        string.Join(", ", notifications.Select(n => $"{n.Change} {n.IncidentId} v{n.Version}")) is { Length: > 0 } text ? text : "none";
}
