using Google.Protobuf;

namespace SecureMonitor.Monitor.Tests.Envelopes;

/// <summary>
/// A watcher that asks for cumulative acks in its hello may get one Ack for a run of envelopes: it
/// stands for everything up to its sequence, and a rejection in between still comes on its own, first.
/// </summary>
public sealed class CumulativeAckTests(ITestOutputHelper output) : MonitorTestBase(output)
{
    [Fact]
    public async Task Pipelined_envelopes_are_acknowledged_in_order_up_to_the_last_with_a_rejection_in_between_sent_before_what_follows_it()
    {
        var monitor = await StartMonitorWithWatchersAsync("web-01");
        await using var watcher = await monitor.ConnectWatcherAsync("web-01", hello: false);
        await watcher.SendAsync(Frames.Hello("web-01", TestWatcherConnection.AgentVersion, cumulativeAcks: true));
        Assert.Equal(0UL, TestWatcherConnection.ExpectAck(await watcher.ReadFrameAsync(), AckStatus.Unspecified).HighWaterMark);

        var envelopes = Enumerable.Range(1, 40).Select(_ => watcher.Seal(TestWatcherConnection.SampleAlert())).ToList();
        var tampered = envelopes[19].Mac.ToByteArray();
        tampered[0] ^= 0x01;
        envelopes[19].Mac = ByteString.CopyFrom(tampered); // sequence 20 fails its HMAC
        foreach (var envelope in envelopes)
        {
            await watcher.SendAsync(Frames.Envelope(envelope));
        }

        var replies = new List<Frame>();
        while (replies.LastOrDefault() is not { BodyCase: Frame.BodyOneofCase.Ack, Ack.Sequence: 40 })
        {
            replies.Add(await watcher.ReadFrameAsync());
        }

        var acked = replies.Where(reply => reply.BodyCase == Frame.BodyOneofCase.Ack).Select(reply => reply.Ack.Sequence).ToList();
        Assert.Equal(acked.Order(), acked); // in order, each standing for everything before it
        Assert.All(replies.Where(reply => reply.BodyCase == Frame.BodyOneofCase.Ack), reply => Assert.Equal(AckStatus.Accepted, reply.Ack.Status));
        var rejection = Assert.Single(replies, reply => reply.BodyCase == Frame.BodyOneofCase.Rejection);
        // An envelope failing its MAC has no sequence the monitor can trust, so none is named.
        Assert.Equal(RejectionReason.BadHmac, TestWatcherConnection.ExpectRejection(rejection));
        Assert.All(replies.Skip(replies.IndexOf(rejection) + 1), reply => Assert.True(reply.Ack.Sequence > 20));
        Assert.True(replies.Take(replies.IndexOf(rejection)).All(reply => reply.Ack.Sequence < 20));
        Assert.Equal(39, monitor.Sink.AcceptedCount("web-01"));
        Assert.Equal(39, (await monitor.Node.Store.ListAlertsAsync(new SecureMonitor.Storage.AlertQuery { Host = "web-01" })).Count);
    }
}
