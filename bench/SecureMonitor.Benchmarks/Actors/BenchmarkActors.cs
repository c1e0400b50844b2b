using SecureMonitor.Actors;

namespace SecureMonitor.Benchmarks.Actors;

/// <summary>Asks the receiving <see cref="Blaster"/> to send <paramref name="Count"/> messages to <paramref name="Target"/>.</summary>
public sealed record Blast(IActorRef Target, int Count);

public sealed record Ping
{
    public static readonly Ping Instance = new();
}

/// <summary>Sends one shared message object N times: the cost measured is the kernel's, not the allocator's.</summary>
public sealed class Blaster : Actor
{
    protected override void Receive(object message)
    {
        if (message is Blast blast)
        {
            for (var i = 0; i < blast.Count; i++)
            {
                blast.Target.Tell(Ping.Instance, Self);
            }
        }
    }
}

/// <summary>Passes every message on to the next actor.</summary>
public sealed class Forwarder(IActorRef next) : Actor
{
    protected override void Receive(object message) => next.Tell(message, Self);
}

/// <summary>Completes the current round after the expected number of messages.</summary>
public sealed class Counter(RoundTracker rounds) : Actor
{
    private int _count;

    protected override void Receive(object message)
    {
        if (++_count == rounds.Expected)
        {
            _count = 0;
            rounds.Complete();
        }
    }
}

/// <summary>Shared between the benchmark and its counting actor; one round per benchmark invocation.</summary>
public sealed class RoundTracker(int expected)
{
    private TaskCompletionSource _round = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Expected { get; } = expected;

    public Task Current => _round.Task;

    public Task StartRound()
    {
        _round = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _round.Task;
    }

    public void Complete() => _round.TrySetResult();
}
