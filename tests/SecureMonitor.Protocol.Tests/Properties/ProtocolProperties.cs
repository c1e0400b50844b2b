using System.Buffers;
using FsCheck;
using FsCheck.Fluent;
using SecureMonitor.Protocol.Sealing;
using SecureMonitor.Protocol.Tests.Sealing;
using SecureMonitor.Protocol.Tests.Wire;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Tests.Fuzzing;
using Xunit;
using Xunit.Abstractions;

namespace SecureMonitor.Protocol.Tests.Properties;

/// <summary>
/// Hostile-input properties of the decoder and the opener: they never throw, never hand out more
/// than the limit, and accept an envelope only if it is exactly the one that was sealed.
/// (<see cref="FuzzRun.Cases"/> cases each: 10,000 in CI, more with SM_FUZZ_CASES, see bench/fuzz.sh.)
/// </summary>
[Trait("Category", FuzzRun.Category)]
public sealed class ProtocolProperties : IDisposable
{
    // Small, so random lengths often cross it, but above one sealed envelope (padded to 4 KiB).
    private const int MaxFrameBytes = 8 * 1024;
    private static readonly FrameLimits Limits = new(MaxFrameBytes);

    private readonly ITestOutputHelper _output;
    private readonly SealingFixture _fixture = new();
    private readonly SealedEnvelope _original;
    private readonly byte[] _validStream;

    public ProtocolProperties(ITestOutputHelper output)
    {
        _output = output;
        _original = _fixture.Sealer.Seal(11, 1_700_000_000_000, SealingFixture.Plaintext(256));
        // An ack, a hello, the envelope, and a hello: mutations can land before, in or after the envelope. The
        // envelope is padded to 4 KiB, so the hellos carry about as much (mutations in a frame's body leave the
        // stream in step) for a fair share of runs to leave the envelope intact.
        string filler = new('v', 2048);
        _validStream = WireBytes.Encode(WireBytes.SampleAck(1), Frames.Hello("web-01", filler), Frames.Envelope(_original), Frames.Hello("web-01", filler));
    }

    [Fact]
    public void Arbitrary_bytes_never_make_the_decoder_throw_or_exceed_the_limit()
    {
        Gen<byte[]> random = Bytes(Gen.Choose(0, 2 * MaxFrameBytes));
        // Mostly a plausible length prefix, so payload parsing is exercised and not just the limit.
        Gen<byte[]> plausiblyPrefixed =
            from length in Gen.Choose(0, MaxFrameBytes + 8)
            from payload in Bytes(Gen.Choose(0, MaxFrameBytes + 8))
            select WireBytes.LengthPrefixOnly((uint)length).Concat(payload).ToArray();
        Gen<(byte[] Bytes, int Split)> input =
            from bytes in Gen.Frequency((1, random), (3, plausiblyPrefixed))
            from split in Gen.Choose(0, bytes.Length)
            select (bytes, split);

        FuzzRun.Check(_output, "frames.random", input, c => DecodeEverything(c.Bytes, c.Split, onFrame: _ => { }));
    }

    [Fact]
    public void Mutated_frames_never_throw_and_only_the_unmutated_envelope_opens()
    {
        Gen<Mutation> mutation =
            from kind in Gen.Elements(MutationKind.FlipBit, MutationKind.Insert, MutationKind.Delete, MutationKind.Truncate, MutationKind.Overwrite)
            from position in Gen.Choose(0, int.MaxValue)
            from value in Gen.Choose(0, 255)
            select new Mutation(kind, position, (byte)value);
        Gen<(Mutation[] Mutations, int Split)> input =
            from mutations in mutation.ArrayOf().Where(m => m.Length > 0).Resize(4)
            from split in Gen.Choose(0, _validStream.Length + 8)
            select (mutations, split);

        int opened = 0;
        int mutatedEnvelopesTried = 0;
        FuzzRun.Check(_output, "frames.mutated", input, c =>
        {
            byte[] mutated = c.Mutations.Aggregate(_validStream, (bytes, m) => m.ApplyTo(bytes));
            DecodeEverything(mutated, Math.Min(c.Split, mutated.Length), frame =>
            {
                if (frame.BodyCase != Frame.BodyOneofCase.Envelope)
                {
                    return;
                }

                if (!IsTheOriginal(frame.Envelope))
                {
                    mutatedEnvelopesTried++;
                }

                if (_fixture.MonitorOpener.TryOpen(frame.Envelope, SealingFixture.HostId, _fixture.Keys, out OpenedEnvelope? result, out _))
                {
                    opened++;
                    Assert.True(IsTheOriginal(frame.Envelope), "A mutated envelope opened.");
                    Assert.Equal(SealingFixture.Plaintext(256), result.Plaintext.ToArray());
                }
            });
        });

        // Mutations outside the envelope leave it intact: it must still open then.
        Assert.True(opened > 0, "No run left the envelope intact; the property checked nothing positive.");
        Assert.True(mutatedEnvelopesTried > 0, "No mutated envelope reached the opener; the property checked nothing negative.");
    }

    [Fact]
    public void Arbitrary_envelope_fields_never_make_the_opener_throw_or_accept()
    {
        Gen<SealedEnvelope> envelopes =
            from header in Bytes(Gen.Choose(0, 300))
            from nonce in Bytes(Gen.Elements(0, 12, 12, 13))
            from ciphertext in Bytes(Gen.Choose(0, 64))
            from tag in Bytes(Gen.Elements(0, 16, 16, 17))
            from mac in Bytes(Gen.Elements(0, 32, 32, 33))
            select new SealedEnvelope
            {
                Header = Google.Protobuf.ByteString.CopyFrom(header),
                Nonce = Google.Protobuf.ByteString.CopyFrom(nonce),
                Ciphertext = Google.Protobuf.ByteString.CopyFrom(ciphertext),
                Tag = Google.Protobuf.ByteString.CopyFrom(tag),
                Mac = Google.Protobuf.ByteString.CopyFrom(mac),
            };

        FuzzRun.Check(_output, "envelope.fields", envelopes, envelope =>
        {
            Assert.False(_fixture.MonitorOpener.TryOpen(envelope, SealingFixture.HostId, _fixture.Keys, out _, out RejectionReason reason));
            Assert.NotEqual(RejectionReason.None, reason);
        });
    }

    /// <summary>
    /// Decodes every frame of <paramref name="bytes"/> delivered as two segments, as a pipe would, and
    /// reads the same bytes with <see cref="FrameReader"/> (the connections' stream reader) in chunks
    /// of <paramref name="split"/>: both must see the same frames and end the same way.
    /// </summary>
    private static void DecodeEverything(byte[] bytes, int split, Action<Frame> onFrame)
    {
        var decoded = new List<FrameReadResult>();
        ReadOnlySequence<byte> buffer = Segments.Of(bytes[..split], bytes[split..]);
        long before = buffer.Length;
        while (FrameDecoder.TryDecode(ref buffer, Limits, out FrameReadResult result))
        {
            Assert.True(before - buffer.Length <= FrameDecoder.LengthPrefixBytes + MaxFrameBytes, "Consumed more than one frame's limit.");
            before = buffer.Length;
            decoded.Add(result);
            if (!result.IsFrame)
            {
                Assert.NotEqual(RejectionReason.None, result.ToRejectionReason());
                break; // The connection would close here.
            }

            Assert.InRange(result.DeclaredLength, 1, MaxFrameBytes);
            Assert.Equal(ProtocolVersion.Current, result.Frame!.ProtocolVersion);
            onFrame(result.Frame);
        }

        if (decoded.Count == 0 || decoded[^1].IsFrame)
        {
            FrameReadResult end = FrameDecoder.AtEndOfInput(buffer);
            Assert.True(end.Status is FrameReadStatus.EndOfStream or FrameReadStatus.Truncated, end.ToString());
            decoded.Add(end);
        }

        List<FrameReadResult> read = ReadEverything(bytes, chunk: Math.Max(1, split));
        Assert.Equal(decoded.Select(Summary), read.Select(Summary));
    }

    private static List<FrameReadResult> ReadEverything(byte[] bytes, int chunk)
    {
        var reader = new FrameReader(new ScriptedStream(bytes, chunk), Limits);
        var results = new List<FrameReadResult>();
        do
        {
            results.Add(reader.ReadAsync().AsTask().GetAwaiter().GetResult());
        }
        while (results[^1].IsFrame);

        return results;
    }

    private static (FrameReadStatus, long, uint, Frame?) Summary(FrameReadResult result) =>
        (result.Status, result.DeclaredLength, result.Version, result.Frame);

    private bool IsTheOriginal(SealedEnvelope envelope) =>
        envelope.Header == _original.Header && envelope.Nonce == _original.Nonce && envelope.Ciphertext == _original.Ciphertext
        && envelope.Tag == _original.Tag && envelope.Mac == _original.Mac;

    private static Gen<byte[]> Bytes(Gen<int> length) =>
        from n in length
        from bytes in Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf(n)
        select bytes;

    public void Dispose() => _fixture.Dispose();

    private enum MutationKind { FlipBit, Insert, Delete, Truncate, Overwrite }

    private sealed record Mutation(MutationKind Kind, int Position, byte Value)
    {
        public byte[] ApplyTo(byte[] bytes)
        {
            if (bytes.Length == 0)
            {
                return Kind == MutationKind.Insert ? [Value] : bytes;
            }

            int at = Position % bytes.Length;
            byte[] copy = (byte[])bytes.Clone();
            switch (Kind)
            {
                case MutationKind.FlipBit:
                    copy[at] ^= (byte)(1 << (Value % 8));
                    return copy;
                case MutationKind.Overwrite:
                    copy[at] = copy[at] == Value ? (byte)~Value : Value;
                    return copy;
                case MutationKind.Insert:
                    return [.. bytes[..at], Value, .. bytes[at..]];
                case MutationKind.Delete:
                    return [.. bytes[..at], .. bytes[(at + 1)..]];
                default:
                    return bytes[..at];
            }
        }
    }
}
