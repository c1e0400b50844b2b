using SecureMonitor.Actors;
using SecureMonitor.Analysis.Correlation;
using SecureMonitor.Analysis.Liveness;
using SecureMonitor.Monitor.Hosts;
using SecureMonitor.Monitor.Persistence;

namespace SecureMonitor.Monitor.Tests.Actors;

/// <summary>The hosts actor on virtual time: one host actor per id, stored messages routed to it, liveness reported for all.</summary>
public sealed class HostsActorTests : IAsyncLifetime
{
    private static readonly HostLivenessOptions Liveness = new();
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(3);

    private readonly TestActorSystem _kit = new("hosts");
    private TestProbe _correlator = null!;
    private IActorRef _hosts = null!;

    public Task InitializeAsync()
    {
        _correlator = _kit.CreateProbe("correlator");
        var correlator = _correlator;
        _hosts = _kit.System.ActorOf(Props.Create(() => new HostsActor(["web-01"], Liveness, correlator, Second)), "hosts");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    [Fact]
    public async Task Known_and_new_hosts_get_one_host_actor_each_whose_liveness_the_hosts_actor_reports_until_silence_makes_them_down()
    {
        var known = Assert.Single((await StatesAsync()).Hosts);
        Assert.Equal(new HostState("web-01", HostLivenessState.Unknown, null), known);

        var first = _kit.Time.GetUtcNow();
        _hosts.Tell(Heartbeat("web-01", 1, first));
        _hosts.Tell(Heartbeat("web-02", 1, first)); // first contact creates its host actor
        _hosts.Tell(Heartbeat("web-02", 2, first)); // a duplicate arrival time changes nothing
        Assert.Equal(
            [new HostState("web-01", HostLivenessState.Up, first), new HostState("web-02", HostLivenessState.Up, first)],
            (await StatesAsync()).Hosts);

        for (var elapsed = TimeSpan.Zero; elapsed < Liveness.DownAfter; elapsed += Second)
        {
            _kit.Time.Advance(Second);
            await StatesAsync(); // every host has taken this second's evaluation
        }

        Assert.All((await StatesAsync()).Hosts, state => Assert.Equal(HostLivenessState.Down, state.Liveness));
        var silenced = new[] { _correlator.ExpectMsg<ObservedAlert>(Bound), _correlator.ExpectMsg<ObservedAlert>(Bound) };
        Assert.Equal(["web-01", "web-02"], silenced.Select(alert => alert.HostId).Order(StringComparer.Ordinal));
        Assert.All(silenced, alert =>
        {
            Assert.Equal((HostActor.SilencedMetric, true, first + Liveness.DownAfter), (alert.Metric, alert.Firing, alert.At));
        });
        _correlator.ExpectNoMsg(TimeSpan.Zero);
    }

    private static StoredBatch Heartbeat(string host, ulong sequence, DateTimeOffset at) =>
        new([new StoredEvent(host, sequence, at, new WatcherMessage { Heartbeat = new Heartbeat() })]);

    // The hosts actor asks each host in turn, after whatever it routed to them before: a barrier for all of them.
    private async Task<HostStates> StatesAsync() =>
        await _hosts.Ask<HostStates>(GetHostStates.Instance, TimeSpan.FromSeconds(10)).WaitAsync(Bound);
}
