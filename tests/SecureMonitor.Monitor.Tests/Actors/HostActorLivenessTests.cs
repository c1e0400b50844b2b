using Akka.Actor;
using Akka.TestKit;
using SecureMonitor.Analysis.Correlation;
using SecureMonitor.Analysis.Liveness;
using SecureMonitor.Monitor.Hosts;
using SecureMonitor.Monitor.Incidents;
using SecureMonitor.Monitor.Persistence;
using SecureMonitor.TestKit.Actors;

namespace SecureMonitor.Monitor.Tests.Actors;

/// <summary>
/// One host actor on virtual time (Akka's test scheduler), the child of a probe that stands in for the
/// hosts actor, with a probe standing in for the correlator. The host evaluates its liveness every
/// virtual second; the test moves the clock a second at a time and waits at a barrier after each, so
/// every evaluation runs at its own instant and whatever it told has reached the probes before the
/// test looks.
/// </summary>
public sealed class HostActorLivenessTests() : Akka.TestKit.Xunit2.TestKit(VirtualTime.Config), IAsyncLifetime
{
    private const string Host = "web-01";
    private static readonly HostLivenessOptions Liveness = new(); // phi 8 => Unreachable, 30 s of silence => Down
    private static readonly TimeSpan HeartbeatEvery = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(3);

    private readonly List<DateTimeOffset> _heartbeats = [];
    private TestProbe _parent = null!;
    private TestProbe _correlator = null!;
    private IActorRef _host = null!;
    private ulong _sequence;

    private TestScheduler Clock => VirtualTime.Of(Sys);

    public async Task InitializeAsync()
    {
        _parent = CreateTestProbe("parent");
        _correlator = CreateTestProbe("correlator");
        var correlator = _correlator.Ref;
        _host = _parent.ChildActorOf(Props.Create(() => new HostActor(Host, Liveness, correlator, Second)), "host-" + Host);
        // Its answers for each batch (flow control) are the hosts actor's business, tested there.
        _parent.IgnoreMessages<HostBatchDone>();
        await _host.BarrierAsync(Bound); // PreStart has armed the 1 s liveness evaluation
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Steady_heartbeats_every_5_s_keep_the_host_up()
    {
        await HeartbeatAsync();
        var up = _parent.ExpectMsg<HostLivenessChanged>(Bound);
        Assert.Equal((Host, HostLivenessState.Unknown, HostLivenessState.Up, _heartbeats[0]), (up.HostId, up.From, up.To, up.At));

        await SteadyHeartbeatsAsync(count: 12);

        _parent.ExpectNoMsg(TimeSpan.Zero);
        _correlator.ExpectNoMsg(TimeSpan.Zero);
        var state = await StateAsync();
        Assert.Equal(HostLivenessState.Up, state.Liveness);
        Assert.Equal(_heartbeats[^1], state.LastHeartbeat);
    }

    [Fact]
    public async Task Silence_makes_the_host_unreachable_when_phi_reaches_8_and_down_after_30_s_which_the_correlator_sees_as_watcher_silenced()
    {
        await HeartbeatAsync();
        _parent.ExpectMsg<HostLivenessChanged>(change => change.To == HostLivenessState.Up, Bound);
        await SteadyHeartbeatsAsync(count: 12);
        var last = _heartbeats[^1];
        var unreachableAfter = FirstWholeSecondWithPhiAtThreshold();
        Assert.InRange(unreachableAfter, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(13)); // ~10.6 s for steady 5 s heartbeats

        await AdvanceAsync(unreachableAfter - Second);
        _parent.ExpectNoMsg(TimeSpan.Zero); // phi is still below 8 one evaluation earlier
        await AdvanceAsync(Second);
        var unreachable = _parent.ExpectMsg<HostLivenessChanged>(Bound);
        Assert.Equal((HostLivenessState.Up, HostLivenessState.Unreachable), (unreachable.From, unreachable.To));
        Assert.Equal(last + unreachableAfter, unreachable.At);
        Assert.Equal(unreachableAfter, unreachable.Silence);
        _correlator.ExpectNoMsg(TimeSpan.Zero); // a suspicion is not an alert
        Assert.Equal(HostLivenessState.Unreachable, (await StateAsync()).Liveness);

        await AdvanceAsync(Liveness.DownAfter - unreachableAfter - Second);
        _parent.ExpectNoMsg(TimeSpan.Zero);
        _correlator.ExpectNoMsg(TimeSpan.Zero);
        await AdvanceAsync(Second);
        var down = _parent.ExpectMsg<HostLivenessChanged>(Bound);
        Assert.Equal((HostLivenessState.Unreachable, HostLivenessState.Down), (down.From, down.To));
        Assert.Equal(last + Liveness.DownAfter, down.At);
        Assert.Equal(Liveness.DownAfter, down.Silence);
        var silenced = _correlator.ExpectMsg<ObservedAlert>(Bound);
        Assert.Equal(new ObservedAlert(Host, HostActor.SilencedMetric, HostActor.SilencedMetric, AlertLevel.Critical,
            Liveness.DownAfter.TotalSeconds, true, last + Liveness.DownAfter), silenced);
        Assert.Equal(HostLivenessState.Down, (await StateAsync()).Liveness);

        // Down is told once, however long the silence lasts.
        await AdvanceAsync(TimeSpan.FromSeconds(30));
        _parent.ExpectNoMsg(TimeSpan.Zero);
        _correlator.ExpectNoMsg(TimeSpan.Zero);
    }

    [Fact]
    public async Task A_heartbeat_after_down_brings_the_host_up_and_resolves_watcher_silenced_and_the_parent_saw_up_unreachable_down_up()
    {
        await HeartbeatAsync();
        await SteadyHeartbeatsAsync(count: 6);
        await AdvanceAsync(Liveness.DownAfter + TimeSpan.FromSeconds(10));
        _correlator.ExpectMsg<ObservedAlert>(alert => alert.Metric == HostActor.SilencedMetric && alert.Firing, Bound);

        await HeartbeatAsync();
        var back = _heartbeats[^1];

        var resolved = _correlator.ExpectMsg<ObservedAlert>(Bound);
        Assert.Equal((Host, HostActor.SilencedMetric, HostActor.SilencedMetric, false, back),
            (resolved.HostId, resolved.RuleId, resolved.Metric, resolved.Firing, resolved.At));
        var changes = new List<HostLivenessChanged>();
        for (var i = 0; i < 4; i++)
        {
            changes.Add(_parent.ExpectMsg<HostLivenessChanged>(Bound));
        }
        Assert.Equal(
            [HostLivenessState.Up, HostLivenessState.Unreachable, HostLivenessState.Down, HostLivenessState.Up],
            changes.Select(change => change.To));
        Assert.Equal(
            [HostLivenessState.Unknown, HostLivenessState.Up, HostLivenessState.Unreachable, HostLivenessState.Down],
            changes.Select(change => change.From));
        Assert.All(changes, change => Assert.Equal(Host, change.HostId));
        Assert.Equal(back, changes[^1].At);
        Assert.Equal(Liveness.DownAfter + TimeSpan.FromSeconds(10), changes[^1].Silence);
        _parent.ExpectNoMsg(TimeSpan.Zero);
        _correlator.ExpectNoMsg(TimeSpan.Zero);

        var state = await StateAsync();
        Assert.Equal((HostLivenessState.Up, back), (state.Liveness, state.LastHeartbeat));
    }

    [Fact]
    public async Task An_alert_counts_as_a_heartbeat_and_reaches_the_correlator_stamped_with_the_monitors_receive_time()
    {
        await HeartbeatAsync();
        await SteadyHeartbeatsAsync(count: 6);
        await AdvanceAsync(TimeSpan.FromSeconds(7));
        var receivedAt = Clock.Now;
        var raisedByTheWatcher = receivedAt - TimeSpan.FromHours(3); // the watcher's clock is not trusted

        _host.Tell(new HostBatch(1, [new StoredEvent(Host, ++_sequence, receivedAt, new WatcherMessage
        {
            Alert = new Alert
            {
                RuleId = "cpu-high",
                Metric = "cpu.usage_percent",
                Severity = Severity.Critical,
                State = AlertState.Firing,
                Value = 97.5,
                Threshold = 90,
                RaisedUnixMs = raisedByTheWatcher.ToUnixTimeMilliseconds(),
            },
        })]));
        await SettleAsync();

        var observed = _correlator.ExpectMsg<ObservedAlerts>(Bound);
        Assert.Equal(new ObservedAlert(Host, "cpu-high", "cpu.usage_percent", AlertLevel.Critical, 97.5, true, receivedAt), Assert.Single(observed.Alerts));
        // The correlator answers the hosts actor for the batch once it has taken the alerts.
        Assert.Equal((_parent.Ref, (object)new HostBatchDone(1)), (observed.AckTo, observed.Ack));
        Assert.Equal(receivedAt, (await StateAsync()).LastHeartbeat);

        // Counted from the alert, 11 s of silence is not yet suspicious (from the last heartbeat it would be 18 s).
        await AdvanceAsync(TimeSpan.FromSeconds(10));
        _parent.ExpectMsg<HostLivenessChanged>(change => change.To == HostLivenessState.Up, Bound);
        _parent.ExpectNoMsg(TimeSpan.Zero);
        Assert.Equal(HostLivenessState.Up, (await StateAsync()).Liveness);
    }

    /// <summary><paramref name="count"/> more heartbeats, one every 5 virtual seconds.</summary>
    private async Task SteadyHeartbeatsAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await AdvanceAsync(HeartbeatEvery);
            await HeartbeatAsync();
        }
    }

    /// <summary>A stored heartbeat received now, on the monitor's (virtual) clock.</summary>
    private async Task HeartbeatAsync()
    {
        var now = Clock.Now;
        _heartbeats.Add(now);
        _host.Tell(new HostBatch((long)++_sequence, [new StoredEvent(Host, _sequence, now, new WatcherMessage { Heartbeat = new Heartbeat { UptimeMs = 1_000 } })]));
        await SettleAsync();
    }

    /// <summary>Moves the clock a second at a time; each second's liveness evaluation runs at that second.</summary>
    private async Task AdvanceAsync(TimeSpan span)
    {
        for (var elapsed = TimeSpan.Zero; elapsed < span; elapsed += Second)
        {
            Clock.Advance(Second);
            await SettleAsync();
        }
    }

    /// <summary>The host has handled everything sent so far (what it told the probes is in their queues).</summary>
    private Task SettleAsync() => _host.BarrierAsync(Bound);

    private async Task<HostState> StateAsync() =>
        await _host.Ask<HostState>(GetHostStates.Instance).WaitAsync(Bound);

    /// <summary>
    /// The reference answer: the same heartbeats fed to a detector of its own; the first whole second of
    /// silence after the last one at which phi reaches the threshold (the host evaluates once a second).
    /// </summary>
    private TimeSpan FirstWholeSecondWithPhiAtThreshold()
    {
        var detector = new PhiAccrualFailureDetector(Liveness.Detector);
        foreach (var heartbeat in _heartbeats)
        {
            detector.Heartbeat(heartbeat);
        }
        for (var silence = Second; silence < Liveness.DownAfter; silence += Second)
        {
            if (detector.Phi(_heartbeats[^1] + silence) >= Liveness.PhiUnreachable)
            {
                return silence;
            }
        }
        throw new InvalidOperationException("phi never reached the threshold before down-after");
    }
}
