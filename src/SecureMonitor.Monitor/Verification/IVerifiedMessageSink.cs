using SecureMonitor.Protocol.Sealing;
using SecureMonitor.Protocol.Wire;

namespace SecureMonitor.Monitor.Verification;

/// <summary>
/// Where messages go once every security layer accepted them. Storing is pipelined: a connection
/// hands a message over and goes on verifying the next while the store commits a batch; the
/// watcher is acknowledged when the message is durable, and never before.
/// </summary>
public interface IVerifiedMessageSink
{
    /// <summary>The highest sequence durably accepted from the host (0 if none), so a restarted
    /// node recognises resends as duplicates.</summary>
    ValueTask<ulong> HighWaterMarkAsync(string hostId, CancellationToken cancellationToken);

    /// <summary>Takes the message (waiting only while the sink's bounded queue is full).</summary>
    ValueTask<AcceptedMessage> AcceptAsync(OpenedEnvelope envelope, WatcherMessage message, CancellationToken cancellationToken);

    /// <summary>Whether the sink's bounded queue is so full that heartbeats are shed (not stored), so
    /// the room left goes to alerts, which are never shed but wait for room.</summary>
    bool Overloaded { get; }

    /// <summary>A verified heartbeat was shed: it is not stored, but proves the host alive.</summary>
    void HeartbeatShed(OpenedEnvelope envelope);
}

/// <summary>A message handed to the sink: <see cref="Durable"/> completes when it is stored (or
/// faults). Messages stored together share one task.</summary>
public readonly record struct AcceptedMessage(Task Durable)
{
    public static readonly AcceptedMessage Stored = new(Task.CompletedTask);
}
