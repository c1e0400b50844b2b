using Akka.Actor;
using SecureMonitor.Analysis.Correlation;
using SecureMonitor.Analysis.Liveness;
using SecureMonitor.Monitor.Hosts;
using SecureMonitor.Monitor.Incidents;
using SecureMonitor.Monitor.Persistence;
using SecureMonitor.Monitor.Verification;
using SecureMonitor.Protocol.Sealing;
using SecureMonitor.Storage;
using SecureMonitor.Storage.Sqlite;
using SecureMonitor.TestKit.Actors;

namespace SecureMonitor.Monitor.Tests.Actors;

/// <summary>
/// Stored alerts travel from the writer through the hosts actor and each host's actor to the
/// correlator, which answers for each batch once it has taken it (Akka's Tell never waits, so the
/// flow is controlled by those answers). A correlator that falls behind holds the writer, and with it
/// the acknowledgements the watchers wait for; nothing is dropped and no mailbox grows without bound.
/// </summary>
public sealed class CorrelationBackpressureTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Every_stored_alert_reaches_a_correlator_that_is_held_up_and_each_batch_is_answered_only_after_it()
    {
        await using var store = await TemporaryStore.CreateAsync();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = new List<ObservedAlert>();
        var correlator = Sys.ActorOf(Props.Create(() => new GatedCorrelator(gate.Task, seen)), "correlator");
        var hosts = Sys.ActorOf(Props.Create(() => new HostsActor(store.Store, new HostLivenessOptions(), correlator, TimeSpan.FromSeconds(1))), "hosts");

        var answers = new List<Task<BatchCorrelated>>();
        try
        {
            for (var sequence = 1UL; sequence <= 50; sequence++)
            {
                answers.Add(hosts.Ask<BatchCorrelated>(new StoredBatch([.. new[] { "web-01", "web-02", "web-03" }.Select(host =>
                    new StoredEvent(host, sequence, DateTimeOffset.UtcNow, TestWatcherConnection.SampleAlert()))])));
            }
            await hosts.BarrierAsync(Bound);
            Assert.DoesNotContain(answers, answer => answer.IsCompleted); // held by the correlator
        }
        finally
        {
            gate.TrySetResult(); // also on failure, so the actors can stop
        }

        await Task.WhenAll(answers).WaitAsync(Bound);
        lock (seen)
        {
            Assert.Equal(150, seen.Count);
            Assert.All(new[] { "web-01", "web-02", "web-03" }, host => Assert.Equal(50, seen.Count(alert => alert.HostId == host)));
        }
    }

    [Fact]
    public async Task A_correlator_that_answers_nothing_holds_the_writer_after_a_bounded_number_of_batches_and_no_alert_is_lost()
    {
        var data = Directory.CreateTempSubdirectory("sm-flow-");
        try
        {
            await using var store = new SqliteMonitorStore(new SqliteMonitorStoreOptions { DataDirectory = data.FullName });
            await store.MigrateAsync();
            var fence = new WriteFence((await store.TryAcquireLeaseAsync("node", "n:1", TimeSpan.FromMinutes(10), DateTimeOffset.UtcNow))!.Epoch);
            var hosts = CreateTestProbe("hosts"); // stands in for a hosts actor whose correlator is stuck: it answers nothing yet
            await using var sink = new PersistentMessageSink(store, fence, hosts.Ref, TimeProvider.System);

            // One alert per commit: each commit is one batch on its way to the correlator.
            var envelope = new OpenedEnvelope("web-01", 1, 1, 0, Direction.WatcherToMonitor, ReadOnlyMemory<byte>.Empty);
            for (var sequence = 1UL; sequence <= PersistentMessageSink.BatchesInCorrelation; sequence++)
            {
                var accepted = await sink.AcceptAsync(envelope with { Sequence = sequence }, TestWatcherConnection.SampleAlert(), CancellationToken.None);
                await accepted.Durable.WaitAsync(Bound);
            }
            var batches = Enumerable.Range(0, PersistentMessageSink.BatchesInCorrelation).Select(_ => hosts.ExpectMsg<StoredBatch>(Bound)).ToList();
            Assert.Equal(Enumerable.Range(1, 16).Select(sequence => (ulong)sequence), batches.Select(batch => batch.Events.Single().Sequence));
            var lastAsked = hosts.LastSender;

            // The 17th is stored, but neither handed on nor acknowledged (so the watcher keeps it spooled)
            // while 16 batches are out.
            var held = await sink.AcceptAsync(envelope with { Sequence = 17 }, TestWatcherConnection.SampleAlert(), CancellationToken.None);
            hosts.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
            Assert.False(held.Durable.IsCompleted, "an alert beyond the correlation window must wait for the correlator");
            lastAsked.Tell(BatchCorrelated.Instance); // the correlator takes one batch: room for one more
            Assert.Equal(17UL, hosts.ExpectMsg<StoredBatch>(Bound).Events.Single().Sequence);
            await held.Durable.WaitAsync(Bound);
            Assert.Equal(17, (await store.ListAlertsAsync(new AlertQuery { Limit = 100 })).Count);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    /// <summary>Holds every message until the gate opens, then records the alerts and answers for them.</summary>
    private sealed class GatedCorrelator : ReceiveActor
    {
        public GatedCorrelator(Task gate, List<ObservedAlert> seen) => ReceiveAsync<ObservedAlerts>(async observed =>
        {
            await gate;
            lock (seen)
            {
                seen.AddRange(observed.Alerts);
            }
            observed.AckTo?.Tell(observed.Ack);
        });
    }
}
