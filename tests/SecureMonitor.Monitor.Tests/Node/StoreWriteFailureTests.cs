using SecureMonitor.Protocol.Wire;
using SecureMonitor.Storage;
using SecureMonitor.TestKit.Monitors;
using SecureMonitor.TestKit.Storage;

namespace SecureMonitor.Monitor.Tests.Node;

/// <summary>
/// A batch the store cannot write is never acknowledged, and nothing the watcher sent after it is
/// stored either: otherwise the host's high-water mark would pass the lost message, and the watcher's
/// resend would be taken for a replay. The node steps down, leads again with a fresh writer, and the
/// resends are stored.
/// </summary>
public sealed class StoreWriteFailureTests(ITestOutputHelper output) : MonitorTestBase(output)
{
    [Fact]
    public async Task A_failed_write_stores_nothing_after_it_and_the_watchers_resends_are_stored_once_the_node_leads_again()
    {
        ScriptedStore store = null!;
        var monitor = await StartMonitorAsync(NewPki(["web-01"]), new MonitorHarnessOptions { WrapStore = inner => store = new ScriptedStore(inner) });
        var failedTerm = monitor.Node.Term;
        var watcher = await monitor.ConnectWatcherAsync("web-01");
        await watcher.SendAlertAsync(); // sequence 1, stored

        var hold = store.HoldNextAppend();
        store.FailNextAppend(new IOException("disk went away"));
        var second = watcher.Seal(TestWatcherConnection.SampleAlert());
        var third = watcher.Seal(TestWatcherConnection.SampleAlert());
        try
        {
            await watcher.SendAsync(Frames.Envelope(second));
            await hold.Entered.WaitAsync(monitor.HarnessOptions.Within); // [2] is being written
            await watcher.SendAsync(Frames.Envelope(third));
            await Eventually.WaitUntilAsync(() => monitor.Node.Term?.Sink.QueuedCount == 1, () => "sequence 3 was not queued behind the failing write");
        }
        finally
        {
            hold.Release(); // it fails now; also when the test fails here, so the node's stop does not wait on it
        }

        var replies = await watcher.WaitForCloseAsync();
        Assert.DoesNotContain(replies, reply => reply.BodyCase == Frame.BodyOneofCase.Ack && reply.Ack.Sequence >= 2);
        await watcher.DisposeAsync();
        Assert.Equal([1UL], (await monitor.Node.Store.ListAlertsAsync(new AlertQuery { Host = "web-01" })).Select(alert => alert.Sequence));
        Assert.Equal(1UL, await monitor.Node.Store.GetHighWaterMarkAsync("web-01"));

        // A fresh writer in a new term beside the same singleton (the lease is still this node's).
        await Eventually.WaitUntilAsync(() => monitor.Node.Term is { } term && !ReferenceEquals(term, failedTerm),
            () => $"the node did not serve again after the failed write (epoch {monitor.Node.Cluster.Epoch})");
        await using var again = await monitor.ConnectWatcherAsync("web-01");
        Assert.Equal(1UL, again.ResumedAfter);
        Assert.Equal(2UL, TestWatcherConnection.ExpectAck(await again.SendEnvelopeAsync(second), AckStatus.Accepted).Sequence);
        Assert.Equal(3UL, TestWatcherConnection.ExpectAck(await again.SendEnvelopeAsync(third), AckStatus.Accepted).Sequence);
        Assert.Equal([1UL, 2UL, 3UL], (await monitor.Node.Store.ListAlertsAsync(new AlertQuery { Host = "web-01" }))
            .Select(alert => alert.Sequence).Order());
        Assert.True(monitor.Logs.Contains("could not store verified messages"), monitor.Logs.Dump());
    }
}
