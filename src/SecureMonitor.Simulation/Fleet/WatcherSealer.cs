using Google.Protobuf;
using SecureMonitor.Pki;
using SecureMonitor.Protocol.Sealing;
using SecureMonitor.Protocol.Wire;

namespace SecureMonitor.Simulation.Fleet;

/// <summary>
/// Seals one watcher's messages with its pre-shared key under strictly increasing sequence numbers,
/// as the real watcher's sender does: never the same sequence twice (that would reuse a nonce), and
/// after a reconnect above the high-water mark the monitor reported, so every new message is fresh
/// to it. A resend is the stored sealed envelope, never a re-seal. Not thread-safe: one owner.
/// </summary>
public sealed class WatcherSealer : IDisposable
{
    private readonly EnvelopeSealer _sealer;
    private ulong _floor;

    public WatcherSealer(PreSharedKey psk)
    {
        ArgumentNullException.ThrowIfNull(psk);
        HostId = psk.HostId;
        _sealer = new EnvelopeSealer(EnvelopeKey.Derive(psk.Key, psk.HostId, psk.KeyId, Direction.WatcherToMonitor));
    }

    public string HostId { get; }

    /// <summary>The highest sequence sealed so far (0 before the first).</summary>
    public ulong LastSequence => _sealer.LastSequence;

    /// <summary>The next sequence sealed will be above <paramref name="mark"/> (the monitor's high-water mark).</summary>
    public void ContinueAfter(ulong mark) => _floor = Math.Max(_floor, mark);

    public SealedEnvelope SealNext(IMessage message, long sentUnixMs) => _sealer.Seal(NextSequence(), sentUnixMs, message);

    public SealedEnvelope SealNext(ReadOnlySpan<byte> plaintext, long sentUnixMs) => _sealer.Seal(NextSequence(), sentUnixMs, plaintext);

    private ulong NextSequence() => Math.Max(_sealer.LastSequence, _floor) + 1;

    public void Dispose() => _sealer.Key.Dispose();
}
