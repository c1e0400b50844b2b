using SecureMonitor.Protocol.Wire;

namespace SecureMonitor.Protocol.Sealing;

/// <summary>
/// An envelope whose tag and MAC verified: the authenticated header fields and the plaintext
/// (a serialized WatcherMessage or MonitorMessage, still to be parsed by its consumer).
/// Whether the sequence is fresh is the receiving actor's decision (<see cref="SequenceHighWaterMark"/>).
/// </summary>
public sealed record OpenedEnvelope(
    string HostId,
    uint KeyId,
    ulong Sequence,
    long SentUnixMs,
    Direction Direction,
    ReadOnlyMemory<byte> Plaintext);
