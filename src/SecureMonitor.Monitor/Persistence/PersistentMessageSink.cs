using SecureMonitor.Monitor.Verification;
using SecureMonitor.Protocol.Sealing;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Storage;
using StoredAlertState = SecureMonitor.Storage.AlertState;
using StoredSeverity = SecureMonitor.Storage.AlertSeverity;

namespace SecureMonitor.Monitor.Persistence;

/// <summary>
/// Stores verified messages through the group-commit writer (one durable commit per batch) and,
/// once a message is durable, hands it to the monitor's actors (liveness, correlation). Heartbeats
/// advance the host's marks without becoming rows.
/// </summary>
public sealed class PersistentMessageSink(IMonitorStore store, GroupCommitWriter writer, Action<StoredEvent> onStored, TimeProvider time)
    : IVerifiedMessageSink
{
    /// <summary>Further observers of every durable message (the admin console's live feed and the
    /// threshold acknowledgements), called after <c>onStored</c>. They must not block.</summary>
    public event Action<StoredEvent>? Stored;

    public async ValueTask<ulong> HighWaterMarkAsync(string hostId, CancellationToken cancellationToken) =>
        await store.GetHighWaterMarkAsync(hostId, cancellationToken);

    public async ValueTask<AcceptedMessage> AcceptAsync(OpenedEnvelope envelope, WatcherMessage message, CancellationToken cancellationToken)
    {
        var receivedAt = time.GetUtcNow();
        var durable = await writer.EnqueueAsync(ToStored(envelope, message, receivedAt), cancellationToken);
        var stored = new StoredEvent(envelope.HostId, envelope.Sequence, receivedAt, message);
        return new AcceptedMessage(durable, () =>
        {
            // A duplicate the store caught (e.g. raced in from a second connection) was processed before.
            if (durable.Result == AppendOutcome.Stored)
            {
                onStored(stored);
                Stored?.Invoke(stored);
            }
        });
    }

    internal static StoredMessage ToStored(OpenedEnvelope envelope, WatcherMessage message, DateTimeOffset receivedAt)
    {
        var sentAt = DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(envelope.SentUnixMs, 0, 253402300799999));
        return message.BodyCase switch
        {
            WatcherMessage.BodyOneofCase.Alert => StoredMessage.ForAlert(envelope.HostId, envelope.Sequence, receivedAt, sentAt, new AlertDetails(
                message.Alert.RuleId,
                message.Alert.Metric,
                message.Alert.Severity switch
                {
                    Severity.Critical => StoredSeverity.Critical,
                    Severity.Warning => StoredSeverity.Warning,
                    _ => StoredSeverity.Info,
                },
                message.Alert.State == Protocol.Wire.AlertState.Resolved ? StoredAlertState.Resolved : StoredAlertState.Firing,
                message.Alert.Value,
                message.Alert.Threshold,
                message.Alert.Summary)),
            WatcherMessage.BodyOneofCase.Heartbeat => StoredMessage.ForHeartbeat(envelope.HostId, envelope.Sequence, receivedAt, sentAt),
            _ => new StoredMessage(envelope.HostId, envelope.Sequence, MessageKind.Control, receivedAt, sentAt),
        };
    }
}

/// <summary>A verified message that is now durable, with the monitor's receive time (the
/// monitor's clock, not the watcher's, drives liveness and correlation: a watcher's clock can lie).</summary>
public sealed record StoredEvent(string HostId, ulong Sequence, DateTimeOffset ReceivedAt, WatcherMessage Message);
