using Akka.Actor;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using SecureMonitor.Monitor.Hosts;
using SecureMonitor.Monitor.Persistence;
using SecureMonitor.Monitor.Security;
using SecureMonitor.Monitor.Verification;
using SecureMonitor.Protocol.Sealing;
using SecureMonitor.Storage;
using SecureMonitor.Storage.Sqlite;

namespace SecureMonitor.Monitor.Tests.Overload;

/// <summary>
/// Under overload heartbeats may be shed (acknowledged, counted, not stored) and alerts never are:
/// they wait for room, which slows their sender. With the real store and real sealing; the store's
/// writer is held busy at a gate and time is virtual, so nothing sleeps and every wait is bounded.
/// </summary>
public sealed class HeartbeatSheddingTests(ITestOutputHelper output) : MonitorTestBase(output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private const string Host = "web-01";

    [Fact]
    public async Task With_the_stores_queue_backed_up_heartbeats_are_shed_and_counted_while_every_alert_waits_for_room_and_is_stored()
    {
        var data = Directory.CreateTempSubdirectory("smshed-");
        try
        {
            await using var store = new SqliteMonitorStore(new SqliteMonitorStoreOptions { DataDirectory = data.FullName });
            await store.MigrateAsync();
            var fence = new WriteFence((await store.TryAcquireLeaseAsync("node", "n:1", TimeSpan.FromMinutes(10), DateTimeOffset.UtcNow))!.Epoch);
            using var kit = new Akka.TestKit.Xunit2.TestKit();
            var hosts = kit.CreateTestProbe("hosts");
            hosts.IgnoreMessages<Monitor.Hosts.StoredBatch>(); // stored batches are the correlator's, answered below
            hosts.SetAutoPilot(new Akka.TestKit.DelegateAutoPilot((sender, message) =>
            {
                if (message is Monitor.Hosts.StoredBatch)
                {
                    sender.Tell(Monitor.Hosts.BatchCorrelated.Instance);
                }
                return Akka.TestKit.AutoPilot.KeepRunning;
            }));
            var time = new ManualTimeProvider(DateTimeOffset.UtcNow);

            // The first commit's delivery holds the writer loop, so whatever comes next queues up.
            var writerBusy = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var release = new ManualResetEventSlim();
            void HoldFirstDelivery(StoredEvent stored)
            {
                if (stored.Sequence == 1)
                {
                    writerBusy.TrySetResult();
                    Assert.True(release.Wait(Bound), "the test never released the writer");
                }
            }
            // Room for 4 waiting messages; heartbeats are shed from 2 on.
            await using var sink = new PersistentMessageSink(store, fence, hosts.Ref, time,
                new GroupCommitWriterOptions { QueueCapacity = 4 }, shedHeartbeatsAt: 0.5);
            sink.Stored += HoldFirstDelivery;
            var rejections = new RejectionCounters(new TamperDetector(5, TimeSpan.FromMinutes(1), time, new RecordingSecurityAlertSink()),
                time, NullLogger<RejectionCounters>.Instance);
            var psk = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
            using var keys = new InMemoryEnvelopeKeys();
            keys.AddKey(Host, 1, psk);
            using var sealKey = EnvelopeKey.Derive(psk, Host, 1, Direction.WatcherToMonitor);
            var sealer = new EnvelopeSealer(sealKey);
            var verifier = new EnvelopeVerifier(keys, sink, rejections, FrameLimits.DefaultMaxFrameBytes);
            var connection = new ConnectionContext(Host, null);
            Task<VerificationOutcome> Send(WatcherMessage message) =>
                verifier.VerifyAsync(connection, sealer.Seal(sealer.LastSequence + 1, 0, message), overRate: false, CancellationToken.None).AsTask();
            var alert = TestWatcherConnection.SampleAlert();
            var heartbeat = new WatcherMessage { Heartbeat = new Heartbeat { UptimeMs = 1 } };

            VerificationOutcome first, shed;
            VerificationOutcome[] queued, moreAlerts;
            Task<VerificationOutcome> blocked;
            try
            {
                first = await Send(alert).WaitAsync(Bound);
                await writerBusy.Task.WaitAsync(Bound);
                queued = new[] { await Send(alert).WaitAsync(Bound), await Send(alert).WaitAsync(Bound) }; // 2 waiting: overloaded
                shed = await Send(heartbeat).WaitAsync(Bound);
                moreAlerts = new[] { await Send(alert).WaitAsync(Bound), await Send(alert).WaitAsync(Bound) }; // 4 waiting: full
                blocked = Send(alert);

                // The heartbeat is answered as accepted at once (acknowledged in turn, after what came before
                // it), counted, and told to liveness; never queued for the store.
                Assert.Equal((VerificationStatus.Accepted, 4UL), (shed.Status, shed.Sequence));
                Assert.True(shed.Storage.Durable.IsCompletedSuccessfully);
                Assert.Equal(1, rejections.ShedCount(Host));
                Assert.Equal(Host, hosts.ExpectMsg<HostSeen>(Bound).HostId);
                // An alert is never shed: with the queue full it waits for room.
                Assert.False(blocked.IsCompleted, "an alert must wait for room, not be shed or dropped");
                Assert.True(sink.Overloaded);
            }
            finally
            {
                release.Set(); // also when an assertion above fails: the writer must not stay held
            }
            var last = await blocked.WaitAsync(Bound);
            await Task.WhenAll([first.Storage.Durable, .. queued.Select(o => o.Storage.Durable), .. moreAlerts.Select(o => o.Storage.Durable), last.Storage.Durable])
                .WaitAsync(Bound);
            Assert.Equal(new ulong[] { 1, 2, 3, 5, 6, 7 }, (await store.ListAlertsAsync(new AlertQuery())).Select(a => a.Sequence).Order());
            var host = Assert.Single(await store.ListHostsAsync());
            Assert.Equal((7UL, (DateTimeOffset?)null), (host.HighWaterMark, host.LastHeartbeat));

            // Once the queue has drained, heartbeats are stored again.
            var stored = await Send(heartbeat).WaitAsync(Bound);
            await stored.Storage.Durable.WaitAsync(Bound);
            Assert.NotNull((await store.ListHostsAsync())[0].LastHeartbeat);
            Assert.Equal(1, rejections.ShedCount(Host));
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_host_over_its_rate_has_its_heartbeats_shed_and_counted_in_status_and_its_alerts_delayed_but_stored()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var pki = NewPki(watchers: [Host], time: clock);
        var monitor = await StartMonitorAsync(pki, new MonitorHarnessOptions { Time = clock, HostMessagesPerSecond = 2 });
        await using var watcher = await monitor.ConnectWatcherAsync(Host);

        // Two tokens: two alerts go straight through, and the host has none left.
        await watcher.SendAlertAsync();
        await watcher.SendAlertAsync();
        await monitor.Node.Hosts.Ask<HostStates>(GetHostStates.Instance, Bound).WaitAsync(Bound); // its host actor (and timer) exists
        var armed = clock.ArmedTimerCount;

        var heartbeat = await watcher.SendEnvelopeAsync(watcher.Seal(new WatcherMessage { Heartbeat = new Heartbeat { UptimeMs = 1 } }));
        Assert.Equal(3UL, TestWatcherConnection.ExpectAck(heartbeat, AckStatus.Accepted).Sequence);
        Assert.Equal(1, monitor.Rejections.ShedCount(Host));

        // The connection now waits for the host's next token; an alert sent meanwhile is delayed, not lost.
        await clock.WaitForArmedTimersAsync(armed + 1, Bound);
        var delayed = watcher.SendEnvelopeAsync(watcher.Seal(TestWatcherConnection.SampleAlert()));
        Assert.False(delayed.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(0.5));
        Assert.Equal(4UL, TestWatcherConnection.ExpectAck(await delayed.WaitAsync(Bound), AckStatus.Accepted).Sequence);

        Assert.Equal(new ulong[] { 1, 2, 4 }, (await monitor.Node.Store.ListAlertsAsync(new AlertQuery { Host = Host })).Select(a => a.Sequence).Order());
        Assert.Null((await monitor.Node.Store.ListHostsAsync())[0].LastHeartbeat);
        Assert.True(monitor.RejectionCount(Host, RejectionReason.RateLimited) >= 1);
        await using var admin = await monitor.ConnectAsync(pki.LoadAdmin());
        var reply = await monitor.RunAdminCommandAsync(admin, "status");
        var shed = JsonNode.Parse(reply.AdminResponse.ResultJson)!["shedHeartbeats"]!;
        Assert.Equal(1, (long)shed["total"]!);
        Assert.Equal(Host, (string?)shed["hosts"]![0]!["host"]);
    }
}
