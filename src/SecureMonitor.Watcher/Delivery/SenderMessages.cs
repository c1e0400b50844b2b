using SecureMonitor.Protocol.Wire;
using SecureMonitor.Watcher.Spool;

namespace SecureMonitor.Watcher.Delivery;

/// <summary>Seal, spool and deliver this message (an alert, resolution or control reply).</summary>
public sealed record Deliver(SpoolRecordKind Kind, WatcherMessage Message);

/// <summary>The newest samples, carried by the next heartbeat.</summary>
public sealed record LatestMetrics(IReadOnlyDictionary<string, double> Values);

/// <summary>The monitor pushed new threshold rules (already verified and opened).</summary>
public sealed record ThresholdUpdateReceived(ThresholdUpdate Update);

/// <summary>Asks the sender how delivery stands (for status and tests).</summary>
public sealed record GetDeliveryStatus
{
    public static readonly GetDeliveryStatus Instance = new();
}

public sealed record DeliveryStatus(bool Connected, string? Endpoint, int Pending, long Delivered, long DroppedHeartbeats,
    long RefusedAlerts, long RejectedByMonitor, ulong LastSequence, SenderLinkState Link);

/// <summary>Where the sender's link to the monitor stands (see <see cref="SenderActor"/>).</summary>
public enum SenderLinkState
{
    /// <summary>No connection; the reconnect timer is running.</summary>
    Disconnected,

    /// <summary>A connection attempt is running, or the hello was sent and is not answered yet.</summary>
    Connecting,

    /// <summary>The hello was answered: spooled envelopes are being sent.</summary>
    Live,

    /// <summary>The link is being closed; then Disconnected.</summary>
    Draining,
}

// Internal to the sender: timers and events from its connection task.
internal sealed record HeartbeatDue
{
    public static readonly HeartbeatDue Instance = new();
}

internal sealed record ConnectDue
{
    public static readonly ConnectDue Instance = new();
}

/// <summary>Time to see whether the monitor of the current link has gone silent.</summary>
internal sealed record SilenceCheck
{
    public static readonly SilenceCheck Instance = new();
}

internal sealed record LinkConnected(MonitorLink Link);

internal sealed record LinkFailed(string Endpoint, string Reason);

internal sealed record LinkFrame(MonitorLink Link, Frame Frame);

internal sealed record LinkClosed(MonitorLink Link, string Reason);

/// <summary>A link the sender let go of is closed and its read loop has ended; <paramref name="Redirected"/>:
/// a follower named the leader, so dial again at once instead of after the backoff.</summary>
internal sealed record LinkDrained(MonitorLink Link, bool Redirected);
