using Akka.Actor;
using Akka.Event;

namespace SecureMonitor.Benchmarks.Actors;

/// <summary>Asks the receiving <see cref="Blaster"/> to send <paramref name="Count"/> messages to <paramref name="Target"/>.</summary>
public sealed record Blast(IActorRef Target, int Count);

public sealed record Ping
{
    public static readonly Ping Instance = new();
}

/// <summary>Sends one shared message object N times: the cost measured is Akka's, not the allocator's.</summary>
public sealed class Blaster : UntypedActor
{
    protected override void OnReceive(object message)
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
public sealed class Forwarder(IActorRef next) : UntypedActor
{
    protected override void OnReceive(object message) => next.Tell(message, Self);
}

/// <summary>Completes the current round after the expected number of messages.</summary>
public sealed class Counter(RoundTracker rounds) : UntypedActor
{
    private int _count;

    protected override void OnReceive(object message)
    {
        if (++_count == rounds.Expected)
        {
            _count = 0;
            rounds.Complete();
        }
    }
}

/// <summary>Counts dead letters: a benchmark whose messages did not all arrive measured the wrong thing.</summary>
public sealed class DeadLetterCounter(LostMessages lost) : UntypedActor
{
    protected override void OnReceive(object message)
    {
        if (message is AllDeadLetters)
        {
            lost.Add();
        }
    }
}

/// <summary>Shared between the benchmark and its <see cref="DeadLetterCounter"/>.</summary>
public sealed class LostMessages
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Add() => Interlocked.Increment(ref _count);
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
