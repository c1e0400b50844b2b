using System.Buffers.Binary;
using Google.Protobuf;
using SecureMonitor.Protocol.Sealing;
using SecureMonitor.Protocol.Wire;
using Xunit;

namespace SecureMonitor.Protocol.Tests.Sealing;

/// <summary>
/// Envelope format 2 pads plaintexts (<see cref="EnvelopePadding"/>): an observer of sealed sizes cannot tell an
/// alert from a heartbeat, and the opener strips padding strictly.
/// </summary>
public sealed class EnvelopePaddingTests : IDisposable
{
    private readonly SealingFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    /// <summary>What a watcher on a 4-core host with three interfaces sends every 5 s: every metric it samples.</summary>
    private static WatcherMessage UsualHeartbeat()
    {
        var heartbeat = new Heartbeat { UptimeMs = 86_400_000, SpoolDepth = 0 };
        string[] fixedNames =
        [
            "cpu.total", "memory.used", "swap.used", "load.1", "load.5", "load.15", "tcp.syn_recv",
            "tcp.listen_overflows", "tcp.listen_drops", "tcp.syncookies_sent", "tcp.retrans_segs", "tcp.attempt_fails", "tcp.out_rsts",
            "tcp.listen_overflows_total", "tcp.listen_drops_total", "tcp.syncookies_sent_total", "tcp.retrans_segs_total",
            "tcp.attempt_fails_total", "tcp.out_rsts_total",
        ];
        var names = fixedNames
            .Concat(Enumerable.Range(0, 4).Select(core => $"cpu.core.{core}"))
            .Concat(from iface in new[] { "lo", "eth0", "docker0" }
                    from suffix in new[] { "rx_bytes", "tx_bytes", "rx_packets", "tx_packets" }
                    from total in new[] { "", "_total" }
                    select $"net.{iface}.{suffix}{total}");
        foreach (var (name, i) in names.Select((name, i) => (name, i)))
        {
            heartbeat.Metrics[name] = 1234.5678 * (i + 1);
        }
        return new WatcherMessage { Heartbeat = heartbeat };
    }

    /// <summary>An alert as the watcher's threshold actors make them (AlertMessages).</summary>
    private static WatcherMessage UsualAlert() => new()
    {
        Alert = new Alert
        {
            RuleId = "syn-cookies", Metric = "tcp.syncookies_sent", Severity = Severity.Critical, State = AlertState.Firing,
            Value = 120_345.5, Threshold = 1000, RaisedUnixMs = 1_700_000_000_000,
            Summary = "tcp.syncookies_sent = 120345.5 breached critical level 1000 since 2026-12-08T03:00:00.0000000+00:00",
        },
    };

    [Fact]
    public void A_usual_heartbeat_and_a_usual_alert_seal_to_the_same_length()
    {
        int heartbeatSize = UsualHeartbeat().CalculateSize();
        int alertSize = UsualAlert().CalculateSize();
        Assert.True(heartbeatSize > 3 * alertSize, $"the test's messages should differ as the real ones do ({heartbeatSize} B, {alertSize} B)");

        // Fresh sealers each: the size class alone, not the sealer's memory of a larger one, makes them equal.
        SealedEnvelope heartbeat = new EnvelopeSealer(_fixture.WatcherKey).Seal(1, 0, UsualHeartbeat());
        SealedEnvelope alert = new EnvelopeSealer(_fixture.WatcherKey).Seal(1, 0, UsualAlert());

        Assert.Equal(heartbeat.CalculateSize(), alert.CalculateSize());
        Assert.Equal(EnvelopePadding.ClassBytes, alert.Ciphertext.Length);
        Assert.True(_fixture.MonitorOpener.TryOpen(alert, SealingFixture.HostId, _fixture.Keys, out OpenedEnvelope? opened, out _));
        Assert.Equal(UsualAlert(), WatcherMessage.Parser.ParseFrom(opened.Plaintext.Span));
    }

    [Fact]
    public void After_a_heartbeat_of_a_larger_class_an_alert_is_sealed_to_that_class_too()
    {
        SealedEnvelope bigHeartbeat = _fixture.Sealer.Seal(1, 0, SealingFixture.Plaintext(5000));
        SealedEnvelope alert = _fixture.Sealer.Seal(2, 0, UsualAlert());

        Assert.Equal(2 * EnvelopePadding.ClassBytes, bigHeartbeat.Ciphertext.Length);
        Assert.Equal(bigHeartbeat.Ciphertext.Length, alert.Ciphertext.Length);
        Assert.True(_fixture.MonitorOpener.TryOpen(alert, SealingFixture.HostId, _fixture.Keys, out OpenedEnvelope? opened, out _));
        Assert.Equal(UsualAlert(), WatcherMessage.Parser.ParseFrom(opened.Plaintext.Span));
    }

    [Theory]
    [InlineData(0, 4096)]
    [InlineData(4095, 4096)]
    [InlineData(4096, 8192)]
    [InlineData(40_000, 40_960)]
    public void A_plaintext_and_its_marker_fill_the_smallest_class_that_holds_them(int plaintext, int padded)
    {
        Assert.Equal(padded, EnvelopePadding.PaddedLength(plaintext));
    }

    public static TheoryData<string, byte[]> BadPaddings => new()
    {
        { "no marker, all zeros", new byte[EnvelopePadding.ClassBytes] },
        { "last non-zero byte is not the marker", Padded(10, then: 0x01) },
        { "a byte after the marker", AfterMarker(10, 0x80, 0x00, 0x01) },
        { "the marker alone, then garbage", AfterMarker(0, 0x80, 0xFF) },
    };

    [Theory]
    [MemberData(nameof(BadPaddings))]
    public void Authentic_envelopes_with_bad_padding_are_refused_as_malformed(string why, byte[] padded)
    {
        SealedEnvelope envelope = SealRaw(_fixture.WatcherKey, 1, padded);

        Assert.True(_fixture.OpenExpectingFailure(envelope) == RejectionReason.Malformed, why);
    }

    [Fact]
    public void A_ciphertext_that_is_not_a_padded_length_is_refused_before_any_key_is_used()
    {
        byte[] unpadded = [.. SealingFixture.Plaintext(100), 0x80];
        SealedEnvelope envelope = SealRaw(_fixture.WatcherKey, 1, unpadded);

        var counting = new CountingKeys(_fixture.Keys);
        Assert.False(_fixture.MonitorOpener.TryOpen(envelope, SealingFixture.HostId, counting, out _, out RejectionReason reason));
        Assert.Equal(RejectionReason.Malformed, reason);
        Assert.Equal(0, counting.Lookups);
    }

    [Fact]
    public void The_same_bytes_sealed_with_correct_padding_open()
    {
        byte[] padded = new byte[EnvelopePadding.ClassBytes];
        SealingFixture.Plaintext(10).CopyTo(padded, 0);
        EnvelopePadding.PadInPlace(padded, 10);

        Assert.True(_fixture.MonitorOpener.TryOpen(SealRaw(_fixture.WatcherKey, 1, padded), SealingFixture.HostId, _fixture.Keys, out OpenedEnvelope? opened, out _));
        Assert.Equal(SealingFixture.Plaintext(10), opened.Plaintext.ToArray());
    }

    private static byte[] Padded(int plaintext, byte then)
    {
        byte[] padded = new byte[EnvelopePadding.ClassBytes];
        SealingFixture.Plaintext(plaintext).CopyTo(padded, 0);
        padded[plaintext] = then;
        return padded;
    }

    private static byte[] AfterMarker(int plaintext, params byte[] tail)
    {
        byte[] padded = new byte[EnvelopePadding.ClassBytes];
        SealingFixture.Plaintext(plaintext).CopyTo(padded, 0);
        tail.CopyTo(padded, plaintext);
        return padded;
    }

    /// <summary>Seals exactly <paramref name="padded"/> as format 2 does, without checking it: what a key holder
    /// with a faulty (or hostile) sealer would send. Authentic, so only the padding check can refuse it.</summary>
    private static SealedEnvelope SealRaw(EnvelopeKey key, ulong sequence, byte[] padded)
    {
        byte[] header = new EnvelopeHeader
        {
            Version = EnvelopeFormat.HeaderVersion, HostId = key.HostId, KeyId = key.KeyId, Sequence = sequence, Direction = key.Direction,
        }.ToByteArray();
        byte[] nonce = new byte[EnvelopeFormat.NonceBytes];
        BinaryPrimitives.WriteUInt64BigEndian(nonce.AsSpan(EnvelopeFormat.NoncePrefixBytes), sequence);
        byte[] ciphertext = new byte[padded.Length];
        byte[] tag = new byte[EnvelopeFormat.TagBytes];
        key.Encrypt(nonce, padded, ciphertext, tag, header);
        byte[] macInput = new byte[EnvelopeMacInput.Length(header.Length, ciphertext.Length)];
        EnvelopeMacInput.Write(header, nonce, ciphertext, tag, macInput);
        byte[] mac = new byte[EnvelopeFormat.MacBytes];
        key.ComputeMac(macInput, mac);
        return new SealedEnvelope
        {
            Header = ByteString.CopyFrom(header), Nonce = ByteString.CopyFrom(nonce), Ciphertext = ByteString.CopyFrom(ciphertext),
            Tag = ByteString.CopyFrom(tag), Mac = ByteString.CopyFrom(mac),
        };
    }

    private sealed class CountingKeys(IEnvelopeKeyProvider inner) : IEnvelopeKeyProvider
    {
        public int Lookups { get; private set; }

        public bool TryGetKey(string hostId, uint keyId, Direction direction,
            [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out EnvelopeKey? key, out RejectionReason reason)
        {
            Lookups++;
            return inner.TryGetKey(hostId, keyId, direction, out key, out reason);
        }
    }
}
