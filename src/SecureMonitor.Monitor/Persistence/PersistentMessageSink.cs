using Akka.Actor;
using SecureMonitor.Monitor.Hosts;
using SecureMonitor.Monitor.Verification;
using SecureMonitor.Protocol.Sealing;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Storage;
using StoredAlertState = SecureMonitor.Storage.AlertState;
using StoredSeverity = SecureMonitor.Storage.AlertSeverity;

namespace SecureMonitor.Monitor.Persistence;

/// <summary>
/// Stores verified messages through its group-commit writer (one durable commit per batch) and, once
/// a batch is durable, hands its stored messages to the hosts actor in one message (liveness,
/// correlation), before any of them is acknowledged. Heartbeats advance the host's marks without
/// becoming rows.
/// </summary>
/// <remarks>
/// Flow control: the hosts actor answers each batch once the correlator has taken its alerts, and
/// at most <see cref="BatchesInCorrelation"/> batches may be unanswered. When the correlator falls
/// behind, the writer loop waits here, its queue fills, and the connections slow down: no alert is
/// dropped and no mailbox grows without bound (Akka's Tell never waits, so the wait is made here).
/// Overload: when the writer's queue is at least <c>shedHeartbeatsAt</c> full, heartbeats are shed:
/// not queued, only told to the hosts actor as a sign of life, so a host under attack is not taken
/// for silenced while alerts fill the queue. Alerts are never shed; they wait for room, which slows
/// the connections sending them (back-pressure).
/// </remarks>
public sealed class PersistentMessageSink : IVerifiedMessageSink, IAsyncDisposable
{
    private readonly IMonitorStore _store;
    private readonly GroupCommitWriter _writer;
    private readonly IActorRef _hosts;
    private readonly TimeProvider _time;
    private readonly int _shedHeartbeatsAt;
    private readonly SemaphoreSlim _correlationWindow = new(BatchesInCorrelation, BatchesInCorrelation);
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Committed batches that may be on their way to the correlator at once: enough to keep the
    /// hosts and the correlator busy while the next commit runs, few enough to bound what is in flight.</summary>
    public const int BatchesInCorrelation = 16;

    /// <param name="shedHeartbeatsAt">Queue fill, as a fraction of its capacity, from which heartbeats are shed.</param>
    public PersistentMessageSink(IMonitorStore store, WriteFence fence, IActorRef hosts, TimeProvider time,
        GroupCommitWriterOptions? writerOptions = null, double shedHeartbeatsAt = 0.5)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shedHeartbeatsAt);
        _store = store;
        _hosts = hosts;
        _time = time;
        _writer = new GroupCommitWriter(store, fence, (writerOptions ?? new GroupCommitWriterOptions()) with { Committed = OnCommitted });
        _shedHeartbeatsAt = Math.Max(1, (int)Math.Ceiling(_writer.QueueCapacity * shedHeartbeatsAt));
    }

    /// <summary>Observers of every durable message (the admin console's live feed, the threshold
    /// acknowledgements, tests), called on the writer loop. They must not block.</summary>
    public event Action<StoredEvent>? Stored;

    public bool Overloaded => _writer.QueuedCount >= _shedHeartbeatsAt;

    /// <summary>Messages waiting for a durable commit.</summary>
    public int QueuedCount => _writer.QueuedCount;

    public async ValueTask<ulong> HighWaterMarkAsync(string hostId, CancellationToken cancellationToken) =>
        await _store.GetHighWaterMarkAsync(hostId, cancellationToken);

    public async ValueTask<AcceptedMessage> AcceptAsync(OpenedEnvelope envelope, WatcherMessage message, CancellationToken cancellationToken)
    {
        var receivedAt = _time.GetUtcNow();
        var stored = new StoredEvent(envelope.HostId, envelope.Sequence, receivedAt, message);
        var ticket = await _writer.SubmitAsync(ToStored(envelope, message, receivedAt), stored, cancellationToken);
        return new AcceptedMessage(ticket.Durable);
    }

    public void HeartbeatShed(OpenedEnvelope envelope) => _hosts.Tell(new HostSeen(envelope.HostId, _time.GetUtcNow()));

    /// <summary>On the writer loop, once a batch is durable: what was stored (not what the store
    /// caught as a duplicate, e.g. raced in from a second connection) goes to the hosts, in order. It
    /// waits while too many batches are still on their way to the correlator, rather than drop a stored
    /// alert from correlation.</summary>
    private async ValueTask OnCommitted(CommitBatch batch)
    {
        var events = new List<StoredEvent>(batch.Count);
        for (var index = 0; index < batch.Count; index++)
        {
            if (batch.OutcomeOf(index) == AppendOutcome.Stored && batch.TagOf(index) is StoredEvent stored)
            {
                events.Add(stored);
                Stored?.Invoke(stored);
            }
        }
        if (events.Count == 0)
        {
            return;
        }
        try
        {
            await _correlationWindow.WaitAsync(_stopping.Token);
        }
        catch (OperationCanceledException)
        {
            return; // the term is ending: its actors are going with it
        }
        _ = CorrelateAsync(new StoredBatch(events));
    }

    private async Task CorrelateAsync(StoredBatch batch)
    {
        try
        {
            await _hosts.Ask<BatchCorrelated>(batch, _stopping.Token);
        }
        catch (Exception error) when (error is OperationCanceledException or AskTimeoutException)
        {
            // The term is ending, or its hosts actor is gone: nothing to wait for.
        }
        finally
        {
            _correlationWindow.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _writer.DisposeAsync();
        _stopping.Dispose();
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
