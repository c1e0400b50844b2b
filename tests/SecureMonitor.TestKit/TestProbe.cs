using System.Diagnostics;
using SecureMonitor.Actors;
using SecureMonitor.Actors.Internal;

namespace SecureMonitor.TestKit;

/// <summary>
/// An actor ref that queues what it receives so a test can assert on it. Every expectation waits in
/// real time, but only as long as needed: it returns as soon as the message is there, and fails after
/// its bound (default 3 s). Tests never wait for time to pass; they advance the manual clock.
/// </summary>
public sealed class TestProbe : IInternalActorRef
{
    public static readonly TimeSpan DefaultWithin = TimeSpan.FromSeconds(3);

    private readonly Queue<Envelope> _received = new();
    private readonly ActorSystem _system;

    internal TestProbe(ActorSystem system, string name)
    {
        _system = system;
        Path = "/probe/" + name;
    }

    public string Path { get; }

    /// <summary>Sender of the last message taken by an expectation.</summary>
    public IActorRef LastSender { get; private set; } = null!;

    public void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_received)
        {
            _received.Enqueue(new Envelope(message, sender));
            System.Threading.Monitor.PulseAll(_received);
        }
    }

    public ValueTask SendAsync(object message, IActorRef? sender = null, CancellationToken cancellationToken = default)
    {
        Tell(message, sender);
        return ValueTask.CompletedTask;
    }

    public Task<TResponse> Ask<TResponse>(object message, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        AskSupport.Ask<TResponse>(this, message, timeout, _system.TimeProvider, cancellationToken);

    /// <summary>Tells <paramref name="target"/> with this probe as the sender.</summary>
    public void Send(IActorRef target, object message) => target.Tell(message, this);

    /// <summary>Answers the sender of the last message taken.</summary>
    public void Reply(object message)
    {
        if (LastSender is null)
        {
            throw new TestKitAssertionException($"{Path} cannot reply: it has not taken a message yet.");
        }

        LastSender.Tell(message, this);
    }

    /// <summary>The next message must be a <typeparamref name="T"/> (matching <paramref name="predicate"/>).</summary>
    public T ExpectMsg<T>(TimeSpan? within = null, Func<T, bool>? predicate = null)
    {
        var limit = within ?? DefaultWithin;
        var what = typeof(T).Name + (predicate is null ? "" : " matching the predicate");
        if (!TryTake(limit, out var envelope))
        {
            throw new TestKitAssertionException($"{Path} expected {what} within {limit}, but no message arrived.");
        }

        if (envelope.Message is T message && (predicate is null || predicate(message)))
        {
            return message;
        }

        throw new TestKitAssertionException($"{Path} expected {what} within {limit}, but received {Describe(envelope)}.");
    }

    /// <summary>The next message must equal <paramref name="expected"/>.</summary>
    public T ExpectMsg<T>(T expected, TimeSpan? within = null)
        where T : notnull
    {
        var limit = within ?? DefaultWithin;
        if (!TryTake(limit, out var envelope))
        {
            throw new TestKitAssertionException($"{Path} expected {expected} within {limit}, but no message arrived.");
        }

        if (envelope.Message is T message && EqualityComparer<T>.Default.Equals(message, expected))
        {
            return message;
        }

        throw new TestKitAssertionException($"{Path} expected {expected} within {limit}, but received {Describe(envelope)}.");
    }

    /// <summary>Fails if any message arrives within <paramref name="within"/>; keep the bound small (100-200 ms).</summary>
    public void ExpectNoMsg(TimeSpan within)
    {
        if (TryTake(within, out var envelope))
        {
            throw new TestKitAssertionException($"{Path} expected no message within {within}, but received {Describe(envelope)}.");
        }
    }

    /// <summary>Skips messages until one is a <typeparamref name="T"/> matching <paramref name="predicate"/>.</summary>
    public T FishForMessage<T>(Func<T, bool> predicate, TimeSpan? within = null)
    {
        var limit = within ?? DefaultWithin;
        var watch = Stopwatch.StartNew();
        var skipped = new List<string>();
        while (TryTake(Remaining(limit, watch), out var envelope))
        {
            if (envelope.Message is T message && predicate(message))
            {
                return message;
            }

            skipped.Add(Describe(envelope));
        }

        var seen = skipped.Count == 0 ? "no message arrived" : "received only " + string.Join(", ", skipped);
        throw new TestKitAssertionException($"{Path} fished for {typeof(T).Name} matching the predicate within {limit}, but {seen}.");
    }

    /// <summary>Starts watching <paramref name="actor"/>: its <see cref="Terminated"/> will come to this probe.</summary>
    public void Watch(IActorRef actor) =>
        ((IInternalActorRef)actor).SendSystemMessage(new Watch((IInternalActorRef)actor, this));

    public void Unwatch(IActorRef actor) =>
        ((IInternalActorRef)actor).SendSystemMessage(new Unwatch((IInternalActorRef)actor, this));

    /// <summary>The next message must be <see cref="Terminated"/> for <paramref name="actor"/> (watch it first).</summary>
    public Terminated ExpectTerminated(IActorRef actor, TimeSpan? within = null) =>
        ExpectMsg<Terminated>(within, t => ReferenceEquals(t.Actor, actor));

    public override string ToString() => Path;

    void IInternalActorRef.SendSystemMessage(SystemMessage message)
    {
        if (message is DeathWatchNotification notification)
        {
            Tell(new Terminated(notification.Actor), notification.Actor);
        }
    }

    bool IInternalActorRef.TryTell(object message, IActorRef? sender)
    {
        Tell(message, sender);
        return true;
    }

    private bool TryTake(TimeSpan within, out Envelope envelope)
    {
        var watch = Stopwatch.StartNew();
        lock (_received)
        {
            while (_received.Count == 0)
            {
                var remaining = Remaining(within, watch);
                if (remaining <= TimeSpan.Zero || !System.Threading.Monitor.Wait(_received, remaining))
                {
                    if (_received.Count == 0)
                    {
                        envelope = default;
                        return false;
                    }
                }
            }

            envelope = _received.Dequeue();
            LastSender = envelope.Sender ?? _system.DeadLetters;
            return true;
        }
    }

    private static TimeSpan Remaining(TimeSpan limit, Stopwatch watch)
    {
        var remaining = limit - watch.Elapsed;
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }

    private static string Describe(Envelope envelope) =>
        $"{envelope.Message} ({envelope.Message.GetType().Name}) from {envelope.Sender?.Path ?? "no sender"}";
}
