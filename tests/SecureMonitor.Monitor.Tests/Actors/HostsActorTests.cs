using Akka.Actor;
using Akka.TestKit;
using SecureMonitor.Analysis.Correlation;
using SecureMonitor.Analysis.Liveness;
using SecureMonitor.Monitor.Hosts;
using SecureMonitor.Monitor.Incidents;
using SecureMonitor.Monitor.Persistence;
using SecureMonitor.TestKit.Actors;

namespace SecureMonitor.Monitor.Tests.Actors;

/// <summary>The hosts actor on virtual time: one host actor per id, stored messages routed to it, liveness
/// reported for all, and each batch answered once the correlator has its alerts.</summary>
public sealed class HostsActorTests() : Akka.TestKit.Xunit2.TestKit(VirtualTime.Config)
{
    private static readonly HostLivenessOptions Liveness = new();
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(3);

    private TestScheduler Clock => VirtualTime.Of(Sys);

    [Fact]
    public async Task Known_and_new_hosts_get_one_host_actor_each_whose_liveness_the_hosts_actor_reports_until_silence_makes_them_down()
    {
        await using var store = await TemporaryStore.CreateAsync();
        await store.KnowHostAsync("web-01", Clock.Now - TimeSpan.FromDays(1)); // known from an earlier term
        var correlator = CreateTestProbe("correlator");
        var hosts = Sys.ActorOf(Props.Create(() => new HostsActor(store.Store, Liveness, correlator.Ref, Second)), "hosts");
        var known = Assert.Single((await StatesAsync(hosts)).Hosts);
        Assert.Equal(new HostState("web-01", HostLivenessState.Unknown, null), known);

        var first = Clock.Now;
        hosts.Tell(Heartbeat("web-01", 1, first));
        hosts.Tell(Heartbeat("web-02", 1, first)); // first contact creates its host actor
        hosts.Tell(Heartbeat("web-02", 2, first)); // a duplicate arrival time changes nothing
        Assert.Equal(
            [new HostState("web-01", HostLivenessState.Up, first), new HostState("web-02", HostLivenessState.Up, first)],
            (await StatesAsync(hosts)).Hosts);
        // Heartbeats carry no alert: each batch is answered without the correlator.
        ExpectMsg<BatchCorrelated>(Bound);
        ExpectMsg<BatchCorrelated>(Bound);
        ExpectMsg<BatchCorrelated>(Bound);

        for (var elapsed = TimeSpan.Zero; elapsed < Liveness.DownAfter; elapsed += Second)
        {
            Clock.Advance(Second);
            await StatesAsync(hosts); // every host has taken this second's evaluation
        }

        Assert.All((await StatesAsync(hosts)).Hosts, state => Assert.Equal(HostLivenessState.Down, state.Liveness));
        var silenced = new[] { correlator.ExpectMsg<ObservedAlert>(Bound), correlator.ExpectMsg<ObservedAlert>(Bound) };
        Assert.Equal(["web-01", "web-02"], silenced.Select(alert => alert.HostId).Order(StringComparer.Ordinal));
        Assert.All(silenced, alert =>
        {
            Assert.Equal((HostActor.SilencedMetric, true, first + Liveness.DownAfter), (alert.Metric, alert.Firing, alert.At));
        });
        correlator.ExpectNoMsg(TimeSpan.Zero);
    }

    [Fact]
    public async Task A_batch_of_several_hosts_is_answered_only_once_the_correlator_has_taken_every_hosts_alerts()
    {
        await using var store = await TemporaryStore.CreateAsync();
        var correlator = CreateTestProbe("correlator");
        var hosts = Sys.ActorOf(Props.Create(() => new HostsActor(store.Store, Liveness, correlator.Ref, Second)), "hosts");
        hosts.Tell(new StoredBatch([Alert("web-01", 1), Alert("web-02", 1), Alert("web-01", 2), Alert("web-03", 1)]));

        var taken = new[] { correlator.ExpectMsg<ObservedAlerts>(Bound), correlator.ExpectMsg<ObservedAlerts>(Bound), correlator.ExpectMsg<ObservedAlerts>(Bound) };
        Assert.Equal([("web-01", 2), ("web-02", 1), ("web-03", 1)],
            taken.Select(part => (part.Alerts[0].HostId, part.Alerts.Count)).OrderBy(part => part.HostId, StringComparer.Ordinal));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // nothing is answered while the correlator holds the alerts

        foreach (var part in taken.SkipLast(1))
        {
            part.AckTo!.Tell(part.Ack);
        }
        ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // one host's part is still out
        taken[^1].AckTo!.Tell(taken[^1].Ack);
        ExpectMsg<BatchCorrelated>(Bound);
    }

    private static StoredBatch Heartbeat(string host, ulong sequence, DateTimeOffset at) =>
        new([new StoredEvent(host, sequence, at, new WatcherMessage { Heartbeat = new Heartbeat() })]);

    private StoredEvent Alert(string host, ulong sequence) => new(host, sequence, Clock.Now, TestWatcherConnection.SampleAlert());

    // The hosts actor asks each host after whatever it routed to them before: a barrier for all of them.
    private static async Task<HostStates> StatesAsync(IActorRef hosts) =>
        await hosts.Ask<HostStates>(GetHostStates.Instance).WaitAsync(Bound);
}
