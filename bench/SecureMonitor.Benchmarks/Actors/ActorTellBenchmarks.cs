using BenchmarkDotNet.Attributes;
using SecureMonitor.Actors;

namespace SecureMonitor.Benchmarks.Actors;

/// <summary>
/// Tell throughput: actor A sends N messages to B (pair), or through nine forwarders to a counter
/// (chain of ten actors: each end-to-end message is ten mailbox hops). Results are per end-to-end
/// message, so messages/s = 1 / (mean time per operation). Mailboxes are sized to hold a whole round,
/// since Tell never waits; a benchmark that dead-lettered anything fails.
/// </summary>
[ShortRun]
[MemoryDiagnoser]
public class ActorTellBenchmarks
{
    private const int MessagesPerRound = 1_000_000;
    private const int ChainLength = 10;

    private ActorSystem _system = null!;
    private RoundTracker _pairRounds = null!;
    private RoundTracker _chainRounds = null!;
    private IActorRef _blaster = null!;
    private IActorRef _pairTarget = null!;
    private IActorRef _chainHead = null!;

    [GlobalSetup]
    public void Setup()
    {
        _system = new ActorSystem("bench");
        var props = (Func<Actor> factory) => Props.Create(factory).WithMailboxCapacity(MessagesPerRound);

        _pairRounds = new RoundTracker(MessagesPerRound);
        _pairTarget = _system.ActorOf(props(() => new Counter(_pairRounds)), "pair-counter");

        _chainRounds = new RoundTracker(MessagesPerRound);
        var next = _system.ActorOf(props(() => new Counter(_chainRounds)), "chain-10");
        for (var i = ChainLength - 1; i >= 2; i--)
        {
            var target = next;
            next = _system.ActorOf(props(() => new Forwarder(target)), $"chain-{i}");
        }

        _chainHead = next;
        _blaster = _system.ActorOf(() => new Blaster(), "blaster");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        var lost = _system.DeadLetters.Count;
        _system.ShutdownAsync().GetAwaiter().GetResult();
        if (lost != 0)
        {
            throw new InvalidOperationException($"{lost} dead letters: the measured rate would be wrong.");
        }
    }

    [Benchmark(OperationsPerInvoke = MessagesPerRound, Description = "Actor pair Tell")]
    public Task Pair()
    {
        var round = _pairRounds.StartRound();
        _blaster.Tell(new Blast(_pairTarget, MessagesPerRound));
        return round;
    }

    [Benchmark(OperationsPerInvoke = MessagesPerRound, Description = "Actor chain of ten Tell")]
    public Task ChainOfTen()
    {
        var round = _chainRounds.StartRound();
        _blaster.Tell(new Blast(_chainHead, MessagesPerRound));
        return round;
    }
}
