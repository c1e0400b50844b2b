using SecureMonitor.Actors.Tests.TestActors;

namespace SecureMonitor.Actors.Tests;

public sealed class SupervisionTests : IAsyncLifetime
{
    private static readonly SupervisorStrategy BackoffOfOneSecond =
        SupervisorStrategy.Restart(maxRetries: 10, minBackoff: TimeSpan.FromSeconds(1), maxBackoff: TimeSpan.FromSeconds(8));

    private readonly TestActorSystem _kit = new(options: new ActorSystemOptions { DefaultSupervisorStrategy = BackoffOfOneSecond });

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _kit.ShutdownAsync();

    [Fact]
    public void A_failed_actor_restarts_with_fresh_state_and_keeps_processing()
    {
        var probe = _kit.CreateProbe();
        var actor = _kit.System.ActorOf(() => new CountingActor(probe), "counter");
        probe.ExpectMsg("started");

        actor.Tell(new Increment());
        actor.Tell(new Increment());
        probe.Send(actor, new GetCount());
        probe.ExpectMsg(new Count(2));

        actor.Tell(new Boom("kaput"));
        actor.Tell(new Increment());
        probe.Send(actor, new GetCount());

        probe.ExpectMsg("pre-restart: kaput");
        probe.ExpectMsg("post-restart: kaput");
        probe.ExpectMsg(new Count(1));
    }

    [Fact]
    public async Task The_second_restart_waits_for_the_backoff_on_the_virtual_clock()
    {
        var probe = _kit.CreateProbe();
        var actor = _kit.System.ActorOf(() => new CountingActor(probe), "counter");
        probe.ExpectMsg("started");

        actor.Tell(new Boom("first"));
        probe.ExpectMsg("pre-restart: first");
        probe.ExpectMsg("post-restart: first");

        actor.Tell(new Boom("second"));
        actor.Tell(new Increment()); // Kept in the mailbox while the actor waits.
        probe.Send(actor, new GetCount());
        await _kit.Time.WaitForArmedTimersAsync(1);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        _kit.Time.Advance(TimeSpan.FromMilliseconds(999));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        _kit.Time.Advance(TimeSpan.FromMilliseconds(1));
        probe.ExpectMsg("pre-restart: second");
        probe.ExpectMsg("post-restart: second");
        probe.ExpectMsg(new Count(1));
    }

    [Fact]
    public void Backoff_doubles_per_consecutive_restart_up_to_the_maximum()
    {
        var strategy = SupervisorStrategy.Restart(minBackoff: TimeSpan.FromSeconds(1), maxBackoff: TimeSpan.FromSeconds(5));

        var delays = Enumerable.Range(0, 6).Select(strategy.BackoffFor).ToArray();

        Assert.Equal([0, 1, 2, 4, 5, 5], delays.Select(d => d.TotalSeconds));
    }

    [Fact]
    public async Task An_actor_that_fails_more_than_the_maximum_restarts_is_stopped()
    {
        await using var kit = new TestActorSystem(options: new ActorSystemOptions
        {
            DefaultSupervisorStrategy = SupervisorStrategy.Restart(maxRetries: 2, minBackoff: TimeSpan.Zero),
        });
        var probe = kit.CreateProbe();
        var actor = kit.System.ActorOf(() => new CountingActor(probe), "counter");
        probe.Watch(actor);

        for (var i = 0; i < 3; i++)
        {
            actor.Tell(new Boom());
        }

        probe.FishForMessage<Terminated>(t => ReferenceEquals(t.Actor, actor));
    }

    [Fact]
    public void The_stop_directive_stops_the_failing_child()
    {
        var probe = _kit.CreateProbe();
        var parent = _kit.System.ActorOf(
            Props.Create(() => new ParentActor(probe, p => new CountingActor(p), "child")).WithSupervisorStrategy(SupervisorStrategy.Stop),
            "parent");
        probe.ExpectMsg("started");

        parent.Tell("child");

        probe.ExpectMsg("stopped /user/parent/child");
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Escalate_fails_the_parent_which_restarts_with_fresh_children()
    {
        var probe = _kit.CreateProbe();
        var parent = _kit.System.ActorOf(
            Props.Create(() => new ParentActor(probe, p => new CountingActor(p), "child")).WithSupervisorStrategy(SupervisorStrategy.Escalate),
            "parent");
        probe.ExpectMsg("started");

        parent.Tell("child");

        probe.ExpectMsg("stopped /user/parent"); // Default PreRestart runs PostStop on the failed instance.
        probe.ExpectMsg("stopped /user/parent/child");
        probe.ExpectMsg("parent restarted: child child failed");
        probe.ExpectMsg("started");
    }

    [Fact]
    public void A_decider_chooses_the_directive_per_exception()
    {
        var strategy = SupervisorStrategy.Default.WithDecider(e => e is InvalidOperationException ? Directive.Stop : Directive.Restart);

        Assert.Equal(Directive.Stop, strategy.Decider(new InvalidOperationException()));
        Assert.Equal(Directive.Restart, strategy.Decider(new IOException()));
    }
}
