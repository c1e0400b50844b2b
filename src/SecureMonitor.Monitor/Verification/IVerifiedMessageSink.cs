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
}

/// <summary>
/// A message handed to the sink: <see cref="Durable"/> completes when it is stored (or faults), and
/// the connection then runs <see cref="AfterDurable"/> (e.g. telling the host's actor), in the order
/// the messages arrived, which completion callbacks alone would not keep.
/// </summary>
public readonly record struct AcceptedMessage(Task Durable, Action? AfterDurable)
{
    public static readonly AcceptedMessage Stored = new(Task.CompletedTask, null);
}
