using Akka.Actor;
using Akka.Event;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using SecureMonitor.ActorSystems;

namespace SecureMonitor.Benchmarks.Actors;

/// <summary>
/// Akka.NET Tell throughput with the product's Akka settings (<see cref="NodeActorSystem"/>: shared
/// hocon/common/akka.conf, unbounded mailboxes, default dispatcher): actor A sends N messages to B
/// (pair), or through nine forwarders to a counter (chain of ten actors: each end-to-end message is
/// ten mailbox hops). Results are per end-to-end message, so messages/s = 1 / (mean time per
/// operation). A round ends when the counter has all N; a benchmark that dead-lettered anything fails.
/// The home-made kernel this replaced measured 5.9 M msg/s on the pair (bench/run-all.sh keeps that
/// figure for the record).
/// </summary>
[ShortRun]
[MemoryDiagnoser]
public class ActorTellBenchmarks
{
    private const int MessagesPerRound = 1_000_000;
    private const int ChainLength = 10;

    private readonly LostMessages _lost = new();
    private ActorSystem _system = null!;
    private RoundTracker _pairRounds = null!;
    private RoundTracker _chainRounds = null!;
    private IActorRef _blaster = null!;
    private IActorRef _pairTarget = null!;
    private IActorRef _chainHead = null!;

    [GlobalSetup]
    public void Setup()
    {
        _system = NodeActorSystem.Create("bench", null, NullLoggerFactory.Instance);
        var deadLetters = _system.ActorOf(Props.Create(() => new DeadLetterCounter(_lost)), "dead-letters");
        _system.EventStream.Subscribe(deadLetters, typeof(AllDeadLetters));

        _pairRounds = new RoundTracker(MessagesPerRound);
        _pairTarget = _system.ActorOf(Props.Create(() => new Counter(_pairRounds)), "pair-counter");

        _chainRounds = new RoundTracker(MessagesPerRound);
        var next = _system.ActorOf(Props.Create(() => new Counter(_chainRounds)), "chain-10");
        for (var i = ChainLength - 1; i >= 2; i--)
        {
            var target = next;
            next = _system.ActorOf(Props.Create(() => new Forwarder(target)), $"chain-{i}");
        }

        _chainHead = next;
        _blaster = _system.ActorOf(Props.Create(() => new Blaster()), "blaster");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        var lost = _lost.Count;
        _system.Terminate().Wait(TimeSpan.FromSeconds(30));
        if (lost != 0)
        {
            throw new InvalidOperationException($"{lost} dead letters: the measured rate would be wrong.");
        }
    }

    [Benchmark(OperationsPerInvoke = MessagesPerRound, Description = "Akka.NET actor pair Tell")]
    public Task Pair()
    {
        var round = _pairRounds.StartRound();
        _blaster.Tell(new Blast(_pairTarget, MessagesPerRound));
        return round;
    }

    [Benchmark(OperationsPerInvoke = MessagesPerRound, Description = "Akka.NET actor chain of ten Tell")]
    public Task ChainOfTen()
    {
        var round = _chainRounds.StartRound();
        _blaster.Tell(new Blast(_chainHead, MessagesPerRound));
        return round;
    }
}
