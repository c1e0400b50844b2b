using SecureMonitor.Protocol.Sealing;
using SecureMonitor.Protocol.Wire;

namespace SecureMonitor.Monitor.Verification;

/// <summary>
/// Where messages go once every security layer accepted them. <see cref="AcceptAsync"/> returns
/// only when the message (and its sequence number) is durable: the watcher is acknowledged after
/// that, and never before.
/// </summary>
public interface IVerifiedMessageSink
{
    /// <summary>The highest sequence already accepted from the host (0 if none), so a restarted
    /// node recognises resends as duplicates.</summary>
    ValueTask<ulong> HighWaterMarkAsync(string hostId, CancellationToken cancellationToken);

    ValueTask AcceptAsync(OpenedEnvelope envelope, WatcherMessage message, CancellationToken cancellationToken);
}
