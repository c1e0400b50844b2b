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

    /// <summary>Takes the message (waiting only while the sink's bounded queue is full) and returns
    /// a task that completes when it is durable, or faults if it could not be stored.</summary>
    ValueTask<Task> AcceptAsync(OpenedEnvelope envelope, WatcherMessage message, CancellationToken cancellationToken);
}
