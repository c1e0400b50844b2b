using BenchmarkDotNet.Attributes;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Simulation.Fleet;
using SecureMonitor.Transport;

namespace SecureMonitor.Benchmarks.Transport;

/// <summary>
/// Sealed 256-byte alerts over one TLS 1.3 connection into a real <c>MonitorNode</c>, which for each
/// envelope checks the GCM tag and HMAC, the sequence (replay), parses the payload, records it and
/// acknowledges it. Envelopes are sealed before each invocation (sealing is measured by
/// <c>EnvelopeBenchmarks</c>), with sequence numbers the node has not seen yet.
/// </summary>
[TransportJob(oneInvocationPerIteration: true)]
[MemoryDiagnoser]
public class MonitorSealedFrameBenchmarks
{
    private const string HostId = "throughput-watcher";
    private const int RequestReplyEnvelopes = 2_000;
    private const int PipelinedEnvelopes = 10_000;
    private const int FramesPerBatch = 100;

    private LoopbackTransport _transport = null!;
    private WatcherLink _link = null!;
    private FramedConnection _connection = null!;
    private PreSealedAlerts _alerts = null!;
    private Frame[] _envelopes = [];

    [GlobalSetup]
    public async Task Setup()
    {
        _transport = LoopbackTransport.CreateWithTemporaryPki();
        var watcher = _transport.IssueWatcher(HostId);
        var (_, endpoint) = await _transport.StartMonitorNodeAsync(hostMessagesPerSecond: 1_000_000); // capacity, not the per-host policy limit
        _link = await WatcherLink.OpenAsync(endpoint, watcher, "benchmark", TimeSpan.FromSeconds(30));
        _connection = _link.Connection;
        _alerts = new PreSealedAlerts(watcher);
        Console.WriteLine($"// Sealed 256 B alert: {_alerts.SealNext(1)[0].CalculateSize()} B frame payload");
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _link.DisposeAsync();
        _alerts.Dispose();
        await _transport.DisposeAsync();
    }

    [IterationSetup(Target = nameof(RequestReply))]
    public void SealRequestReplyEnvelopes() => _envelopes = _alerts.SealNext(RequestReplyEnvelopes);

    [IterationSetup(Target = nameof(Pipelined))]
    public void SealPipelinedEnvelopes() => _envelopes = _alerts.SealNext(PipelinedEnvelopes);

    [Benchmark(OperationsPerInvoke = RequestReplyEnvelopes, Description = "Monitor: sealed 256 B alert, request-reply")]
    public async Task RequestReply()
    {
        foreach (var envelope in _envelopes)
        {
            await _connection.SendAsync(envelope);
            await Acknowledgements.ReadAsync(_connection);
        }
    }

    [Benchmark(OperationsPerInvoke = PipelinedEnvelopes, Description = "Monitor: sealed 256 B alerts, pipelined, 100 per write")]
    public async Task Pipelined()
    {
        var acknowledged = Acknowledgements.ReadManyAsync(_connection, _envelopes.Length);
        for (int start = 0; start < _envelopes.Length; start += FramesPerBatch)
        {
            await _connection.SendBatchAsync(new ArraySegment<Frame>(_envelopes, start, Math.Min(FramesPerBatch, _envelopes.Length - start)));
        }
        var last = await acknowledged;
        if (last.Sequence != _alerts.LastSequence)
        {
            throw new InvalidOperationException($"The last Ack is for sequence {last.Sequence}, not {_alerts.LastSequence}.");
        }
    }
}
