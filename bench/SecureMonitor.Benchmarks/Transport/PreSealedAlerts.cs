using Google.Protobuf;
using SecureMonitor.Benchmarks.Protocol;
using SecureMonitor.Pki;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Simulation.Fleet;

namespace SecureMonitor.Benchmarks.Transport;

/// <summary>
/// Seals a watcher's 256-byte alerts ahead of time (sealing is measured by the protocol benchmarks),
/// with sequence numbers that keep rising across calls: the monitor accepts each sequence once, so
/// every batch must be new to it.
/// </summary>
internal sealed class PreSealedAlerts : IDisposable
{
    private readonly WatcherSealer _sealer;
    private readonly byte[] _alert = ProtocolBenchmarkData.Alert256().ToByteArray();

    public PreSealedAlerts(IdentityBundle watcher) =>
        _sealer = new WatcherSealer(watcher.Psk ?? throw new ArgumentException("A watcher bundle has a PSK.", nameof(watcher)));

    public ulong LastSequence => _sealer.LastSequence;

    /// <summary>The next <paramref name="count"/> sequence numbers, each sealed in its own envelope frame.</summary>
    public Frame[] SealNext(int count)
    {
        var sentUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var frames = new Frame[count];
        for (int i = 0; i < count; i++)
        {
            frames[i] = Frames.Envelope(_sealer.SealNext(_alert, sentUnixMs));
        }
        return frames;
    }

    public void Dispose() => _sealer.Dispose();
}
