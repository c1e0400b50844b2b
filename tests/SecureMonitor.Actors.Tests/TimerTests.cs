using SecureMonitor.Actors.Tests.TestActors;

namespace SecureMonitor.Actors.Tests;

public sealed class TimerTests : IAsyncLifetime
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(100);
    private readonly TestActorSystem _kit = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _kit.ShutdownAsync();

    [Fact]
    public async Task A_single_timer_delivers_its_message_once_when_the_clock_reaches_the_delay()
    {
        var probe = _kit.CreateProbe();
        var actor = _kit.System.ActorOf(() => new TimerActor(probe), "timed");
        actor.Tell(new StartSingleTimer("t", "tick", TimeSpan.FromSeconds(1)));
        await _kit.BarrierAsync(actor);

        _kit.Time.Advance(TimeSpan.FromMilliseconds(999));
        probe.ExpectNoMsg(Quiet);
        _kit.Time.Advance(TimeSpan.FromMilliseconds(1));
        probe.ExpectMsg("tick");
        _kit.Time.Advance(TimeSpan.FromSeconds(10));
        probe.ExpectNoMsg(Quiet);
    }

    [Fact]
    public async Task A_periodic_timer_delivers_once_per_interval()
    {
        var probe = _kit.CreateProbe();
        var actor = _kit.System.ActorOf(() => new TimerActor(probe), "timed");
        actor.Tell(new StartPeriodicTimer("p", "tick", TimeSpan.FromSeconds(1)));
        await _kit.BarrierAsync(actor);

        _kit.Time.Advance(TimeSpan.FromSeconds(3.5));

        probe.ExpectMsg("tick");
        probe.ExpectMsg("tick");
        probe.ExpectMsg("tick");
        probe.ExpectNoMsg(Quiet);
    }

    [Fact]
    public async Task A_cancelled_timer_delivers_nothing()
    {
        var probe = _kit.CreateProbe();
        var actor = _kit.System.ActorOf(() => new TimerActor(probe), "timed");
        actor.Tell(new StartPeriodicTimer("p", "tick", TimeSpan.FromSeconds(1)));
        actor.Tell(new CancelTimer("p"));
        await _kit.BarrierAsync(actor);

        _kit.Time.Advance(TimeSpan.FromSeconds(5));

        probe.ExpectNoMsg(Quiet);
    }

    [Fact]
    public async Task A_message_already_queued_by_a_timer_cancelled_later_is_not_delivered()
    {
        var probe = _kit.CreateProbe();
        var actor = _kit.System.ActorOf(() => new TimerActor(probe), "timed");
        actor.Tell(new StartSingleTimer("t", "tick", TimeSpan.FromSeconds(1)));
        await _kit.BarrierAsync(actor);
        actor.Tell(new CancelTimer("t"));

        _kit.Time.Advance(TimeSpan.FromSeconds(1)); // The tick is queued behind the cancel.
        await _kit.BarrierAsync(actor);

        probe.ExpectNoMsg(Quiet);
    }

    [Fact]
    public async Task Starting_a_timer_again_with_the_same_key_replaces_it()
    {
        var probe = _kit.CreateProbe();
        var actor = _kit.System.ActorOf(() => new TimerActor(probe), "timed");
        actor.Tell(new StartSingleTimer("t", "first", TimeSpan.FromSeconds(1)));
        actor.Tell(new StartSingleTimer("t", "second", TimeSpan.FromSeconds(2)));
        await _kit.BarrierAsync(actor);

        _kit.Time.Advance(TimeSpan.FromSeconds(2));

        probe.ExpectMsg("second");
        probe.ExpectNoMsg(Quiet);
    }

    [Fact]
    public async Task Timers_are_cancelled_when_the_actor_stops()
    {
        var probe = _kit.CreateProbe();
        var actor = _kit.System.ActorOf(() => new TimerActor(probe), "timed");
        actor.Tell(new StartPeriodicTimer("p", "tick", TimeSpan.FromSeconds(1)));
        await _kit.BarrierAsync(actor);
        Assert.Equal(1, _kit.Time.ArmedTimerCount);
        probe.Watch(actor);

        _kit.System.Stop(actor);
        probe.ExpectTerminated(actor);

        Assert.Equal(0, _kit.Time.ArmedTimerCount);
    }

    [Fact]
    public async Task Timers_are_cancelled_when_the_actor_restarts()
    {
        var probe = _kit.CreateProbe();
        var actor = _kit.System.ActorOf(() => new TimerActor(probe), "timed");
        actor.Tell(new StartPeriodicTimer("p", "tick", TimeSpan.FromSeconds(1)));
        actor.Tell(new Boom());
        probe.ExpectMsg("restarted");
        await _kit.BarrierAsync(actor);

        _kit.Time.Advance(TimeSpan.FromSeconds(5));

        probe.ExpectNoMsg(Quiet);
        Assert.Equal(0, _kit.Time.ArmedTimerCount);
    }
}
