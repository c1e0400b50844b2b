using Google.Protobuf;
using SecureMonitor.Protocol.Sealing;
using SecureMonitor.Protocol.Wire;
using Xunit;

namespace SecureMonitor.Protocol.Tests.Sealing;

public sealed class EnvelopeTamperingTests : IDisposable
{
    private readonly SealingFixture _fixture = new();

    [Fact]
    public void A_bit_flipped_anywhere_in_a_serialized_envelope_is_rejected_and_never_throws()
    {
        SealedEnvelope original = _fixture.Sealer.Seal(3, 1_700_000_000_000, SealingFixture.SampleAlert());
        byte[] serialized = original.ToByteArray();
        var reasons = new Dictionary<RejectionReason, int>();

        for (int position = 0; position < serialized.Length; position++)
        {
            foreach (int bit in new[] { 0, 3, 7 })
            {
                byte[] mutated = (byte[])serialized.Clone();
                mutated[position] ^= (byte)(1 << bit);

                RejectionReason reason = OpenThroughTheFrameLayer(mutated);

                Assert.True(reason != RejectionReason.None, $"Flipping bit {bit} of byte {position} was accepted.");
                reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
            }
        }

        // Each layer catches its share: parsing and sizes, the AES-GCM tag, and the MAC.
        Assert.Contains(RejectionReason.Malformed, reasons.Keys);
        Assert.Contains(RejectionReason.BadTag, reasons.Keys);
        Assert.Contains(RejectionReason.BadHmac, reasons.Keys);
        Assert.Equal(3 * serialized.Length, reasons.Values.Sum());
    }

    [Fact]
    public void The_unmutated_envelope_opens_through_the_frame_layer()
    {
        SealedEnvelope original = _fixture.Sealer.Seal(3, 0, SealingFixture.SampleAlert());

        Assert.Equal(RejectionReason.None, OpenThroughTheFrameLayer(original.ToByteArray()));
    }

    /// <summary>Carries raw envelope bytes in a frame and runs decoder and opener as the monitor does.</summary>
    private RejectionReason OpenThroughTheFrameLayer(byte[] envelopeBytes)
    {
        byte[] frameBytes = WireBytes.FrameCarryingEnvelopeBytes(envelopeBytes);
        Assert.True(FrameDecoder.TryDecode(frameBytes, FrameLimits.Default, out FrameReadResult read, out int consumed));
        Assert.Equal(frameBytes.Length, consumed);
        if (!read.IsFrame)
        {
            return read.ToRejectionReason();
        }

        if (read.Frame!.BodyCase != Frame.BodyOneofCase.Envelope)
        {
            return RejectionReason.Malformed;
        }

        return _fixture.MonitorOpener.TryOpen(read.Frame.Envelope, SealingFixture.HostId, _fixture.Keys, out _, out RejectionReason reason)
            ? RejectionReason.None
            : reason;
    }

    public void Dispose() => _fixture.Dispose();
}
