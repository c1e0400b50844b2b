using Google.Protobuf;
using SecureMonitor.Protocol.Sealing;
using SecureMonitor.Protocol.Wire;

namespace SecureMonitor.Protocol.Tests.Sealing;

/// <summary>A monitor's key store with one watcher host, and that watcher's sealer.</summary>
internal sealed class SealingFixture : IDisposable
{
    public const string HostId = "web-01";
    public const uint KeyId = 7;

    public SealingFixture()
    {
        Keys.AddKey(HostId, KeyId, Psk);
        WatcherKey = EnvelopeKey.Derive(Psk, HostId, KeyId, Direction.WatcherToMonitor);
        Sealer = new EnvelopeSealer(WatcherKey);
    }

    public static byte[] Psk { get; } = PreSharedKey(1);

    public InMemoryEnvelopeKeys Keys { get; } = new();
    public EnvelopeKey WatcherKey { get; }
    public EnvelopeSealer Sealer { get; }
    public EnvelopeOpener MonitorOpener { get; } = new(Direction.WatcherToMonitor);

    public static byte[] PreSharedKey(byte seed) => Enumerable.Range(0, 32).Select(i => (byte)(i * 31 + seed)).ToArray();

    public static WatcherMessage SampleAlert() => new()
    {
        Alert = new Alert
        {
            RuleId = "cpu-high",
            Metric = "cpu.busy",
            Severity = Severity.Critical,
            State = AlertState.Firing,
            Value = 97.5,
            Threshold = 90,
            RaisedUnixMs = 1_700_000_000_000,
            Summary = "CPU busy above 90 % for 60 s",
            Labels = { ["core"] = "all" },
        },
    };

    /// <summary>A plaintext of exactly <paramref name="size"/> bytes.</summary>
    public static byte[] Plaintext(int size) => Enumerable.Range(0, size).Select(i => (byte)i).ToArray();

    public RejectionReason OpenExpectingFailure(SealedEnvelope envelope, string expectedHostId = HostId)
    {
        bool opened = MonitorOpener.TryOpen(envelope, expectedHostId, Keys, out OpenedEnvelope? result, out RejectionReason reason);
        Xunit.Assert.False(opened, $"Expected a rejection, but the envelope opened (sequence {result?.Sequence}).");
        Xunit.Assert.Null(result);
        return reason;
    }

    /// <summary>A copy of <paramref name="envelope"/> whose header was re-serialized after <paramref name="change"/>.</summary>
    public static SealedEnvelope WithHeader(SealedEnvelope envelope, Action<EnvelopeHeader> change)
    {
        EnvelopeHeader header = EnvelopeHeader.Parser.ParseFrom(envelope.Header);
        change(header);
        SealedEnvelope copy = envelope.Clone();
        copy.Header = header.ToByteString();
        return copy;
    }

    public void Dispose()
    {
        WatcherKey.Dispose();
        Keys.Dispose();
    }
}
