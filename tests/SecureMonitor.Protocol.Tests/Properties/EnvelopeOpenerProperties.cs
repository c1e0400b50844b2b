using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using SecureMonitor.Protocol.Sealing;
using SecureMonitor.Protocol.Tests.Sealing;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Tests.Fuzzing;
using Xunit;
using Xunit.Abstractions;

namespace SecureMonitor.Protocol.Tests.Properties;

/// <summary>
/// Fuzzing the envelope opener the way the monitor reaches it: bytes in a frame's envelope field,
/// decoded by <see cref="FrameDecoder"/>, opened with the host's real keys. Random bytes, and valid
/// sealed envelopes with bit flips, truncation, extension and splices (of the whole serialized
/// envelope or of one field), are refused with a reason (by the decoder or the opener); an envelope
/// opens only if every field equals one that was sealed, and then yields that plaintext.
/// </summary>
[Trait("Category", FuzzRun.Category)]
public sealed class EnvelopeOpenerProperties(ITestOutputHelper output) : IDisposable
{
    private readonly SealingFixture _fixture = new();

    [Fact]
    public void Random_and_mutated_envelopes_are_refused_with_a_reason_unless_they_are_one_that_was_sealed()
    {
        (SealedEnvelope Envelope, byte[] Plaintext)[] sealedOnes =
        [
            .. new[] { 0, 1, 256, 3000 }.Select((size, i) => (_fixture.Sealer.Seal((ulong)i + 1, 1_700_000_000_000 + i, SealingFixture.Plaintext(size)), SealingFixture.Plaintext(size))),
            (_fixture.Sealer.Seal(9, 1_700_000_000_009, SealingFixture.SampleAlert().ToByteArray()), SealingFixture.SampleAlert().ToByteArray()),
        ];
        byte[][] serialized = [.. sealedOnes.Select(s => s.Envelope.ToByteArray())];
        byte[][] fields = [.. sealedOnes.SelectMany(s => Fields(s.Envelope))];

        Gen<byte[]> wholeEnvelope = Gen.Frequency(
            (1, FuzzInputs.Random(FuzzInputs.AnyByte)),
            (4, FuzzInputs.Mutated(serialized, FuzzInputs.AnyByte, FuzzInputs.FlipBit)));
        // One field mutated, the others intact: reaches the checks behind the size and parse checks.
        Gen<byte[]> oneField =
            from original in Gen.Elements(sealedOnes)
            from field in Gen.Choose(0, 4)
            from mutated in FuzzInputs.Mutated(fields, FuzzInputs.AnyByte, FuzzInputs.FlipBit)
            select WithField(original.Envelope, field, mutated).ToByteArray();
        Gen<byte[]> input = Gen.Frequency((1, wholeEnvelope), (1, oneField), (1, Gen.Elements(serialized)));

        var opened = 0;
        var refusedByOpener = 0;
        FuzzRun.Check(output, "envelope.opener", input, envelopeBytes =>
        {
            if (!FrameDecoder.TryDecode(WireBytes.FrameCarryingEnvelopeBytes(envelopeBytes), FrameLimits.Default, out FrameReadResult frame, out _))
            {
                Assert.Fail("a whole frame was not decoded");
            }

            if (!frame.IsFrame)
            {
                Assert.NotEqual(RejectionReason.None, frame.ToRejectionReason()); // the decoder refused it
                return;
            }

            SealedEnvelope envelope = frame.Frame!.Envelope;
            if (_fixture.MonitorOpener.TryOpen(envelope, SealingFixture.HostId, _fixture.Keys, out OpenedEnvelope? result, out RejectionReason reason))
            {
                // Field by field: protobuf keeps unknown fields a mutation appended, which the opener ignores
                // (they are outside what the MAC covers and mean nothing); the five sealed fields must be intact.
                var original = Assert.Single(sealedOnes, s => SameSealedFields(s.Envelope, envelope));
                Assert.Equal(original.Plaintext, result.Plaintext.ToArray());
                opened++;
            }
            else
            {
                Assert.NotEqual(RejectionReason.None, reason);
                Assert.Null(result);
                refusedByOpener++;
            }
        });

        Assert.True(opened > 0 && refusedByOpener > 0, $"opened {opened}, refused by the opener {refusedByOpener}: the inputs missed a side");
    }

    private static bool SameSealedFields(SealedEnvelope a, SealedEnvelope b) =>
        a.Header == b.Header && a.Nonce == b.Nonce && a.Ciphertext == b.Ciphertext && a.Tag == b.Tag && a.Mac == b.Mac;

    private static byte[][] Fields(SealedEnvelope envelope) =>
        [envelope.Header.ToByteArray(), envelope.Nonce.ToByteArray(), envelope.Ciphertext.ToByteArray(), envelope.Tag.ToByteArray(), envelope.Mac.ToByteArray()];

    private static SealedEnvelope WithField(SealedEnvelope envelope, int field, byte[] value)
    {
        SealedEnvelope copy = envelope.Clone();
        ByteString bytes = ByteString.CopyFrom(value);
        switch (field)
        {
            case 0: copy.Header = bytes; break;
            case 1: copy.Nonce = bytes; break;
            case 2: copy.Ciphertext = bytes; break;
            case 3: copy.Tag = bytes; break;
            default: copy.Mac = bytes; break;
        }

        return copy;
    }

    public void Dispose() => _fixture.Dispose();
}
