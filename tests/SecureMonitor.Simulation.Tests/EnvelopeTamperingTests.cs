using SecureMonitor.Pki;
using SecureMonitor.Protocol;
using SecureMonitor.Protocol.Sealing;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Simulation.Fleet;
using SecureMonitor.Simulation.Scenarios;
using Xunit;

namespace SecureMonitor.Simulation.Tests;

public sealed class EnvelopeTamperingTests
{
    private static readonly byte[] Key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    [Theory]
    [InlineData(Tampering.Ciphertext, 0)]
    [InlineData(Tampering.Ciphertext, 77)]
    [InlineData(Tampering.Tag, 5)]
    [InlineData(Tampering.Mac, 255)]
    public void Each_flipped_bit_is_refused_by_the_monitors_opener_for_the_predicted_reason(Tampering where, int bit)
    {
        using var sealer = new WatcherSealer(new PreSharedKey("web-01", 1, Key));
        using var keys = new InMemoryEnvelopeKeys();
        keys.AddKey("web-01", 1, Key);
        var alert = new WatcherMessage { Alert = WatcherBehaviour.MadeUpAlert("syn-backlog", "tcp.syn_recv", Severity.Critical, 5000, 1024, DateTimeOffset.UtcNow) };
        var sealedEnvelope = sealer.SealNext(alert, 0);
        var opener = new EnvelopeOpener(Direction.WatcherToMonitor);
        Assert.True(opener.TryOpen(sealedEnvelope, "web-01", keys, out _, out _));

        var tampered = EnvelopeTampering.FlipBit(sealedEnvelope, where, bit);

        Assert.False(opener.TryOpen(tampered, "web-01", keys, out _, out var reason));
        Assert.Equal(EnvelopeTampering.ExpectedReason(where), reason);
        Assert.True(opener.TryOpen(sealedEnvelope, "web-01", keys, out _, out _), "the original must be left as it was");
    }

    [Fact]
    public void A_sealer_continues_above_the_monitors_high_water_mark_and_never_goes_back()
    {
        using var sealer = new WatcherSealer(new PreSharedKey("web-01", 1, Key));
        var heartbeat = new WatcherMessage { Heartbeat = new Heartbeat() };

        Assert.Equal(1UL, Sequence(sealer.SealNext(heartbeat, 0)));
        sealer.ContinueAfter(41);
        Assert.Equal(42UL, Sequence(sealer.SealNext(heartbeat, 0)));
        sealer.ContinueAfter(7); // a lower mark changes nothing: a sequence is never sealed twice
        Assert.Equal(43UL, Sequence(sealer.SealNext(heartbeat, 0)));
    }

    private static ulong Sequence(SealedEnvelope envelope) => EnvelopeHeader.Parser.ParseFrom(envelope.Header).Sequence;
}
