using SecureMonitor.Actors.Tests.TestActors;

namespace SecureMonitor.Actors.Tests;

public sealed class LifecycleTests : IAsyncLifetime
{
    private readonly TestActorSystem _kit = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _kit.ShutdownAsync();

    [Fact]
    public void Children_have_paths_under_their_parent()
    {
        var probe = _kit.CreateProbe();
        var monitor = _kit.System.ActorOf(() => new ParentActor(probe, p => new CountingActor(p), "host-web01"), "monitor");

        var started = probe.ExpectMsg<string>();

        Assert.Equal("started", started);
        Assert.Equal("/user/monitor", monitor.Path);
        Assert.Equal("/user/monitor/host-web01", probe.LastSender.Path);
    }

    [Fact]
    public void Stopping_a_parent_stops_its_children_before_the_parents_PostStop()
    {
        var probe = _kit.CreateProbe();
        var parent = _kit.System.ActorOf(() => new ParentActor(probe, p => new CountingActor(p), "a", "b"), "parent");
        probe.ExpectMsg("started");
        probe.ExpectMsg("started");
        probe.Watch(parent);

        _kit.System.Stop(parent);

        var childStops = new[] { probe.ExpectMsg<string>(), probe.ExpectMsg<string>() };
        Assert.Equal(["stopped /user/parent/a", "stopped /user/parent/b"], childStops.Order());
        probe.ExpectMsg("stopped /user/parent");
        probe.ExpectTerminated(parent);
    }

    [Fact]
    public async Task Shutdown_stops_every_actor()
    {
        var probe = _kit.CreateProbe();
        _kit.System.ActorOf(() => new ParentActor(probe, p => new CountingActor(p), "child"), "parent");
        probe.ExpectMsg("started");

        await _kit.System.ShutdownAsync().WaitAsync(TimeSpan.FromSeconds(3));

        probe.ExpectMsg("stopped /user/parent/child");
        probe.ExpectMsg("stopped /user/parent");
        Assert.True(_kit.System.WhenTerminated.IsCompleted);
    }

    [Fact]
    public void A_watching_actor_receives_Terminated_when_the_watched_actor_stops()
    {
        var probe = _kit.CreateProbe();
        var watcher = _kit.System.ActorOf(() => new WatchingActor(probe), "watcher");
        var target = _kit.System.ActorOf(() => new CountingActor(probe), "target");
        probe.ExpectMsg("started");
        watcher.Tell(new WatchIt(target));
        target.Tell(new Boom()); // Restarts do not count as termination.
        probe.ExpectMsg<string>(predicate: s => s.StartsWith("pre-restart"));
        probe.ExpectMsg<string>(predicate: s => s.StartsWith("post-restart"));

        _kit.System.Stop(target);

        probe.ExpectMsg("stopped /user/target");
        Assert.Same(target, probe.ExpectMsg<Terminated>().Actor);
    }

    [Fact]
    public async Task No_Terminated_arrives_after_Unwatch()
    {
        var probe = _kit.CreateProbe();
        var watcher = _kit.System.ActorOf(() => new WatchingActor(probe), "watcher");
        var target = _kit.System.ActorOf(() => new ForwardingActor(probe), "target");
        watcher.Tell(new WatchIt(target));
        watcher.Tell(new UnwatchIt(target));
        await _kit.BarrierAsync(watcher);

        _kit.System.Stop(target);

        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Watching_an_actor_that_already_stopped_delivers_Terminated_at_once()
    {
        var probe = _kit.CreateProbe();
        var target = _kit.System.ActorOf(() => new ForwardingActor(probe), "target");
        probe.Watch(target);
        _kit.System.Stop(target);
        probe.ExpectTerminated(target);

        var lateWatcher = _kit.CreateProbe();
        lateWatcher.Watch(target);

        lateWatcher.ExpectTerminated(target);
    }

    [Fact]
    public void Messages_to_a_stopped_actor_are_counted_as_dead_letters()
    {
        var probe = _kit.CreateProbe();
        var target = _kit.System.ActorOf(() => new ForwardingActor(probe), "target");
        probe.Watch(target);
        _kit.System.Stop(target);
        probe.ExpectTerminated(target);

        target.Tell("too late");

        Assert.Equal(1, _kit.System.DeadLetters.CountOf(DeadLetterReason.RecipientStopped));
    }

    [Fact]
    public void Child_names_must_be_unique_among_live_children()
    {
        _kit.System.ActorOf(() => new WatchingActor(_kit.CreateProbe()), "same");

        var error = Assert.Throws<InvalidOperationException>(() => _kit.System.ActorOf(() => new WatchingActor(_kit.CreateProbe()), "same"));

        Assert.Contains("same", error.Message);
    }

    [Fact]
    public void Actors_cannot_be_created_with_new()
    {
        Assert.Throws<InvalidOperationException>(() => new WatchingActor(_kit.CreateProbe()));
    }
}
