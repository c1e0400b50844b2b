using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using SecureMonitor.Protocol.Sealing;
using SecureMonitor.Protocol.Wire;

namespace SecureMonitor.Benchmarks.Protocol;

/// <summary>
/// Sealing and opening a 256-byte alert as the watcher's sender and the monitor's host actor do
/// (reused keys). Compare with <see cref="EnvelopeCryptoLimitBenchmarks"/>: the difference is the
/// envelope's own overhead (header, buffers, protobuf).
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class EnvelopeBenchmarks
{
    private readonly EnvelopeOpener _opener = new(Direction.WatcherToMonitor);
    private InMemoryEnvelopeKeys _keys = null!;
    private EnvelopeKey _watcherKey = null!;
    private EnvelopeSealer _sealer = null!;
    private WatcherMessage _alert = null!;
    private byte[] _plaintext = null!;
    private SealedEnvelope _sealedAlert = null!;
    private ulong _sequence;

    [GlobalSetup]
    public void Setup()
    {
        _keys = new InMemoryEnvelopeKeys();
        _keys.AddKey(ProtocolBenchmarkData.HostId, ProtocolBenchmarkData.KeyId, ProtocolBenchmarkData.PreSharedKey);
        _watcherKey = EnvelopeKey.Derive(ProtocolBenchmarkData.PreSharedKey, ProtocolBenchmarkData.HostId, ProtocolBenchmarkData.KeyId, Direction.WatcherToMonitor);
        _sealer = new EnvelopeSealer(_watcherKey);
        _alert = ProtocolBenchmarkData.Alert256();
        _plaintext = _alert.ToByteArray();
        _sealedAlert = _sealer.Seal(++_sequence, 0, _plaintext);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _watcherKey.Dispose();
        _keys.Dispose();
    }

    [Benchmark(Description = "Seal 256 B")]
    public SealedEnvelope Seal() => _sealer.Seal(++_sequence, 0, _plaintext);

    [Benchmark(Description = "Open 256 B")]
    public OpenedEnvelope? Open()
    {
        _opener.TryOpen(_sealedAlert, ProtocolBenchmarkData.HostId, _keys, out OpenedEnvelope? opened, out _);
        return opened;
    }

    [Benchmark(Description = "Seal + open 256 B")]
    public OpenedEnvelope? SealAndOpen()
    {
        SealedEnvelope envelope = _sealer.Seal(++_sequence, 0, _plaintext);
        _opener.TryOpen(envelope, ProtocolBenchmarkData.HostId, _keys, out OpenedEnvelope? opened, out _);
        return opened;
    }

    [Benchmark(Description = "Serialize + seal + open + parse alert (256 B)")]
    public WatcherMessage? SealAndOpenAlertMessage()
    {
        SealedEnvelope envelope = _sealer.Seal(++_sequence, 0, _alert);
        return _opener.TryOpen(envelope, ProtocolBenchmarkData.HostId, _keys, out OpenedEnvelope? opened, out _)
            ? WatcherMessage.Parser.ParseFrom(opened.Plaintext.Span)
            : null;
    }
}
