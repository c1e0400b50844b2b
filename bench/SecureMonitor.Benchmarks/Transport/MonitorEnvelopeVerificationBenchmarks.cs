using SecureMonitor.TestKit.Monitors;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using SecureMonitor.Monitor.Node;
using SecureMonitor.Monitor.Security;
using SecureMonitor.Monitor.Verification;
using SecureMonitor.Pki;
using SecureMonitor.Protocol.Wire;

namespace SecureMonitor.Benchmarks.Transport;

/// <summary>
/// The monitor's own work per sealed envelope, without TLS or framing, wired as <c>MonitorNode</c>
/// wires it: key ring lookup, GCM tag and HMAC, replay check, payload parse, record. Set against
/// <see cref="MonitorSealedFrameBenchmarks"/> and <see cref="RawTlsFrameBenchmarks"/>, it tells how
/// much of the node's per-frame cost is verification and how much is the connection.
/// </summary>
[TransportJob(oneInvocationPerIteration: true)]
[MemoryDiagnoser]
public class MonitorEnvelopeVerificationBenchmarks
{
    private const string HostId = "verified-watcher";
    private const int Envelopes = 50_000;

    private readonly ConnectionContext _connection = new(HostId, Remote: null);
    private LoopbackTransport _transport = null!;
    private KeyringEnvelopeKeys _keys = null!;
    private EnvelopeVerifier _verifier = null!;
    private PreSealedAlerts _alerts = null!;
    private SealedEnvelope[] _envelopes = [];

    [GlobalSetup]
    public void Setup()
    {
        _transport = LoopbackTransport.CreateWithTemporaryPki();
        var watcher = _transport.IssueWatcher(HostId);
        var time = TimeProvider.System;
        _keys = new KeyringEnvelopeKeys(FileKeyring.Open(_transport.Paths, time), time);
        var tamper = new TamperDetector(threshold: 5, TimeSpan.FromSeconds(60), time, new LoggingSecurityAlertSink(NullLogger<LoggingSecurityAlertSink>.Instance));
        var rejections = new RejectionCounters(tamper, time, NullLogger<RejectionCounters>.Instance);
        _verifier = new EnvelopeVerifier(_keys, new RecordingMessageSink(), rejections, FrameLimits.DefaultMaxFrameBytes);
        _alerts = new PreSealedAlerts(watcher);
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _alerts.Dispose();
        _keys.Dispose();
        await _transport.DisposeAsync();
    }

    [IterationSetup]
    public void SealEnvelopes() => _envelopes = [.. _alerts.SealNext(Envelopes).Select(frame => frame.Envelope)];

    [Benchmark(OperationsPerInvoke = Envelopes, Description = "Monitor: verify sealed 256 B alert (no TLS)")]
    public async Task Verify()
    {
        foreach (var envelope in _envelopes)
        {
            var outcome = await _verifier.VerifyAsync(_connection, envelope, overRate: false, CancellationToken.None);
            if (outcome.Status != VerificationStatus.Accepted)
            {
                throw new InvalidOperationException($"Envelope {outcome.Sequence} was not accepted: {outcome.Reason}");
            }
        }
    }
}
