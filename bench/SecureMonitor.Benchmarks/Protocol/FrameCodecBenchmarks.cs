using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using SecureMonitor.Protocol.Sealing;
using SecureMonitor.Protocol.Wire;

namespace SecureMonitor.Benchmarks.Protocol;

/// <summary>Framing a sealed 256-byte alert: encode into a reused buffer, decode it back; and a batched writer.</summary>
[ShortRunJob]
[MemoryDiagnoser]
public class FrameCodecBenchmarks
{
    private const int BatchSize = 100;
    private readonly byte[] _buffer = new byte[FrameLimits.DefaultMaxFrameBytes];
    private Frame _frame = null!;
    private FrameWriter _writer = null!;

    [GlobalSetup]
    public void Setup()
    {
        using EnvelopeKey key = EnvelopeKey.Derive(ProtocolBenchmarkData.PreSharedKey, ProtocolBenchmarkData.HostId, ProtocolBenchmarkData.KeyId, Direction.WatcherToMonitor);
        _frame = Frames.Envelope(new EnvelopeSealer(key).Seal(1, 0, ProtocolBenchmarkData.Alert256().ToByteArray()));
        _writer = new FrameWriter(Stream.Null, FrameLimits.Default);
    }

    [GlobalCleanup]
    public void Cleanup() => _writer.Dispose();

    [Benchmark(Description = "Encode + decode envelope frame")]
    public Frame? EncodeDecode()
    {
        int written = FrameEncoder.Encode(_frame, _buffer, FrameLimits.Default);
        FrameDecoder.TryDecode(_buffer.AsSpan(0, written), FrameLimits.Default, out FrameReadResult result, out _);
        return result.Frame;
    }

    [Benchmark(OperationsPerInvoke = BatchSize, Description = "FrameWriter: 100 envelope frames, one write")]
    public async Task WriteBatch()
    {
        for (int i = 0; i < BatchSize; i++)
        {
            _writer.TryEnqueue(_frame);
        }

        await _writer.FlushAsync();
    }
}
