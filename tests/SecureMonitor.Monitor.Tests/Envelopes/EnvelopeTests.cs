using Google.Protobuf;

namespace SecureMonitor.Monitor.Tests.Envelopes;

/// <summary>Sealed envelopes over a real authenticated watcher connection: accepted once, tampering
/// refused, replays acknowledged as duplicates and not processed again.</summary>
public sealed class EnvelopeTests(ITestOutputHelper output) : MonitorTestBase(output)
{
    /// <summary>Reasons a modified envelope may be refused with; never accepted, never a replay.</summary>
    private static readonly RejectionReason[] IntegrityReasons =
    [
        RejectionReason.BadTag, RejectionReason.BadHmac, RejectionReason.Malformed, RejectionReason.HostMismatch,
        RejectionReason.UnknownVersion, RejectionReason.UnknownKeyId, RejectionReason.UnknownHost,
    ];

    [Fact]
    public async Task A_good_alert_is_acknowledged_as_accepted_and_processed_once()
    {
        var monitor = await StartMonitorWithWatchersAsync("web-01");
        await using var watcher = await monitor.ConnectWatcherAsync("web-01");
        var envelope = watcher.Seal(TestWatcherConnection.SampleAlert());

        var ack = TestWatcherConnection.ExpectAck(await watcher.SendEnvelopeAsync(envelope), AckStatus.Accepted);

        Assert.Equal(watcher.NextSequence - 1, ack.Sequence);
        Assert.Equal(ack.Sequence, ack.HighWaterMark);
        Assert.Equal(1, monitor.Sink.AcceptedCount("web-01"));
        Assert.Equal(0, monitor.TotalRejections());
    }

    [Fact]
    public async Task A_bit_flipped_anywhere_in_the_sealed_envelope_is_refused_counted_and_the_connection_keeps_working()
    {
        var monitor = await StartMonitorWithWatchersAsync("web-01");
        await using var watcher = await monitor.ConnectWatcherAsync("web-01");
        var original = watcher.Seal(TestWatcherConnection.SampleAlert());
        var flips = BitFlips(original).ToList();
        Assert.True(flips.Count > 30, $"a sample across every field, got {flips.Count}");

        var seen = new Dictionary<RejectionReason, int>();
        foreach (var (where, tampered) in flips)
        {
            var reply = await watcher.SendEnvelopeAsync(tampered);
            Assert.True(reply.BodyCase == Frame.BodyOneofCase.Rejection, $"{where}: expected a rejection, got {TestWatcherConnection.Describe(reply)}");
            var reason = TestWatcherConnection.ExpectRejection(reply);
            Assert.True(IntegrityReasons.Contains(reason), $"{where}: refused as {reason}");
            seen[reason] = seen.GetValueOrDefault(reason) + 1;
        }
        Output.WriteLine("refusals by reason: " + string.Join(", ", seen.Select(entry => $"{entry.Key}={entry.Value}")));

        Assert.Equal(0, monitor.Sink.AcceptedCount("web-01"));
        Assert.Equal(flips.Count, IntegrityReasons.Sum(reason => monitor.RejectionCount("web-01", reason)));
        // Each layer did its part: the cipher, the MAC and the header checks all caught something.
        Assert.Contains(RejectionReason.BadTag, seen.Keys);
        Assert.Contains(RejectionReason.BadHmac, seen.Keys);
        Assert.Contains(RejectionReason.Malformed, seen.Keys);
        // The untouched original was never consumed by its forgeries, and honest traffic continues.
        TestWatcherConnection.ExpectAck(await watcher.SendEnvelopeAsync(original), AckStatus.Accepted);
        await watcher.SendAlertAsync();
        Assert.Equal(2, monitor.Sink.AcceptedCount("web-01"));
    }

    [Fact]
    public async Task A_replayed_envelope_is_acknowledged_as_a_duplicate_and_not_processed_again()
    {
        var monitor = await StartMonitorWithWatchersAsync("web-01");
        await using var watcher = await monitor.ConnectWatcherAsync("web-01");
        var envelope = watcher.Seal(TestWatcherConnection.SampleAlert());

        var first = TestWatcherConnection.ExpectAck(await watcher.SendEnvelopeAsync(envelope), AckStatus.Accepted);
        var second = TestWatcherConnection.ExpectAck(await watcher.SendEnvelopeAsync(envelope), AckStatus.Duplicate);

        Assert.Equal(first.Sequence, second.Sequence);
        Assert.Equal(1, monitor.Sink.AcceptedCount("web-01"));
        Assert.Equal(1, monitor.RejectionCount("web-01", RejectionReason.Replay));

        // Resent after a reconnect (what a watcher does after a lost acknowledgement): still a duplicate.
        await using var reconnected = await monitor.ConnectWatcherAsync("web-01");
        Assert.Equal(first.Sequence, reconnected.ResumedAfter);
        TestWatcherConnection.ExpectAck(await reconnected.SendEnvelopeAsync(envelope), AckStatus.Duplicate);
        Assert.Equal(1, monitor.Sink.AcceptedCount("web-01"));
        Assert.Equal(2, monitor.RejectionCount("web-01", RejectionReason.Replay));
        Assert.Equal(0, monitor.SecurityAlerts.Count); // resending is not tampering
    }

    /// <summary>Copies of <paramref name="envelope"/> with one bit flipped: in every field, the first and
    /// last byte and every 7th byte, a different bit each time.</summary>
    private static IEnumerable<(string Where, SealedEnvelope Tampered)> BitFlips(SealedEnvelope envelope)
    {
        (string Name, Func<SealedEnvelope, ByteString> Get, Action<SealedEnvelope, ByteString> Set)[] fields =
        [
            ("header", e => e.Header, (e, v) => e.Header = v),
            ("nonce", e => e.Nonce, (e, v) => e.Nonce = v),
            ("ciphertext", e => e.Ciphertext, (e, v) => e.Ciphertext = v),
            ("tag", e => e.Tag, (e, v) => e.Tag = v),
            ("mac", e => e.Mac, (e, v) => e.Mac = v),
        ];
        foreach (var (name, get, set) in fields)
        {
            var bytes = get(envelope).ToByteArray();
            var positions = Enumerable.Range(0, bytes.Length).Where(index => index % 7 == 0 || index == bytes.Length - 1);
            foreach (var position in positions)
            {
                var bit = position % 8;
                var flipped = (byte[])bytes.Clone();
                flipped[position] ^= (byte)(1 << bit);
                var tampered = envelope.Clone();
                set(tampered, ByteString.CopyFrom(flipped));
                yield return ($"{name}[{position}] bit {bit}", tampered);
            }
        }
    }
}
