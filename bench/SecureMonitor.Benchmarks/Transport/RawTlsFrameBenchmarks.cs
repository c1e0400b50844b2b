using BenchmarkDotNet.Attributes;
using SecureMonitor.Pki;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Transport;

namespace SecureMonitor.Benchmarks.Transport;

/// <summary>
/// The TLS 1.3 limit under <see cref="MonitorSealedFrameBenchmarks"/>: 256-byte frames over one
/// loopback connection to a session handler that verifies nothing (<see cref="RawFrameSessionHandler"/>).
/// "Discarded" runs end with one sync round trip; "acknowledged" runs get one Ack per frame, each in
/// its own server write, as the monitor answers.
/// </summary>
[TransportJob]
[MemoryDiagnoser]
public class RawTlsFrameBenchmarks
{
    private const int StreamedFrames = 10_000;
    private const int RequestReplyFrames = 2_000;
    private const int FramesPerBatch = 100;

    private readonly CountingRejectionSink _rejections = new();
    private LoopbackTransport _transport = null!;
    private FramedConnection _toDiscarding = null!;
    private FramedConnection _toAcknowledging = null!;
    private Frame _frame = null!;
    private Frame[] _batch = [];

    [GlobalSetup]
    public async Task Setup()
    {
        _transport = LoopbackTransport.CreateWithTemporaryPki();
        IdentityBundle watcher = _transport.IssueWatcher("raw-watcher");
        _toDiscarding = await LoopbackTransport.ConnectAsync(watcher,
            _transport.StartListener(new RawFrameSessionHandler(acknowledgeEachFrame: false), _rejections));
        _toAcknowledging = await LoopbackTransport.ConnectAsync(watcher,
            _transport.StartListener(new RawFrameSessionHandler(acknowledgeEachFrame: true), _rejections));
        _frame = TransportFrames.Raw256();
        _batch = Enumerable.Repeat(_frame, FramesPerBatch).ToArray();
        _rejections.ThrowIfAny();
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _toDiscarding.DisposeAsync();
        await _toAcknowledging.DisposeAsync();
        await _transport.DisposeAsync();
    }

    [Benchmark(OperationsPerInvoke = StreamedFrames, Description = "Raw TLS: 256 B frames discarded, one write per frame")]
    public async Task DiscardedOneWritePerFrame()
    {
        for (int i = 0; i < StreamedFrames; i++)
        {
            await _toDiscarding.SendAsync(_frame);
        }
        await SyncAsync(StreamedFrames);
    }

    [Benchmark(OperationsPerInvoke = StreamedFrames, Description = "Raw TLS: 256 B frames discarded, 100 per write")]
    public async Task DiscardedBatched()
    {
        for (int sent = 0; sent < StreamedFrames; sent += FramesPerBatch)
        {
            await _toDiscarding.SendBatchAsync(_batch);
        }
        await SyncAsync(StreamedFrames);
    }

    [Benchmark(OperationsPerInvoke = StreamedFrames, Description = "Raw TLS: 256 B frames, 100 per write, one Ack each")]
    public async Task AcknowledgedBatched()
    {
        var acknowledged = Acknowledgements.ReadManyAsync(_toAcknowledging, StreamedFrames);
        for (int sent = 0; sent < StreamedFrames; sent += FramesPerBatch)
        {
            await _toAcknowledging.SendBatchAsync(_batch);
        }
        await acknowledged;
    }

    [Benchmark(OperationsPerInvoke = RequestReplyFrames, Description = "Raw TLS: 256 B frame, request-reply")]
    public async Task AcknowledgedRequestReply()
    {
        for (int i = 0; i < RequestReplyFrames; i++)
        {
            await _toAcknowledging.SendAsync(_frame);
            await Acknowledgements.ReadAsync(_toAcknowledging);
        }
    }

    /// <summary>One round trip after the frames: the server has read them all when its Ack arrives.</summary>
    private async Task SyncAsync(int expectedFrames)
    {
        await _toDiscarding.SendAsync(Frames.Hello("raw-watcher", "sync"));
        var ack = await Acknowledgements.ReadAsync(_toDiscarding);
        if (ack.Sequence != (ulong)expectedFrames)
        {
            throw new InvalidOperationException($"The server read {ack.Sequence} frames, not {expectedFrames}.");
        }
    }
}
