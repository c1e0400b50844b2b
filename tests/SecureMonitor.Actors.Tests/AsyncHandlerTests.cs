namespace SecureMonitor.Actors.Tests;

public sealed class AsyncHandlerTests : IAsyncLifetime
{
    private readonly TestActorSystem _kit = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _kit.ShutdownAsync();

    [Fact]
    public void Async_handlers_still_process_one_message_at_a_time_in_order()
    {
        var probe = _kit.CreateProbe();
        var actor = _kit.System.ActorOf(() => new YieldingActor(probe), "async");

        for (var i = 0; i < 200; i++)
        {
            actor.Tell(i);
        }

        for (var i = 0; i < 200; i++)
        {
            probe.ExpectMsg(new Handled(i, ConcurrentHandlers: 1));
        }
    }

    [Fact]
    public void An_async_handler_that_faults_after_awaiting_restarts_the_actor()
    {
        var probe = _kit.CreateProbe();
        var actor = _kit.System.ActorOf(() => new YieldingActor(probe), "async");

        actor.Tell(-1);
        actor.Tell(7);

        probe.ExpectMsg("restarted");
        probe.ExpectMsg(new Handled(7, ConcurrentHandlers: 1));
    }

    private sealed record Handled(int Value, int ConcurrentHandlers);

    /// <summary>Yields inside every handler and reports how many handlers were running at once.</summary>
    private sealed class YieldingActor(IActorRef probe) : Actor
    {
        // Static: a restart makes a new instance, and overlap across instances would be a bug too.
        private static int s_running;

        protected override async ValueTask ReceiveAsync(object message)
        {
            var running = Interlocked.Increment(ref s_running);
            await Task.Yield();
            Interlocked.Decrement(ref s_running);
            if (message is -1)
            {
                throw new InvalidOperationException("failed after await");
            }

            probe.Tell(new Handled((int)message, running), Self);
        }

        protected override void PostRestart(Exception reason) => probe.Tell("restarted", Self);
    }
}
