using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using SecureMonitor.Actors.Internal;

namespace SecureMonitor.Actors;

/// <summary>
/// Where undeliverable messages go: counted per reason, logged at Debug, and forwarded as
/// <see cref="DeadLetter"/> to subscribers. Nothing is dropped silently.
/// </summary>
public sealed class DeadLetterOffice : IActorRef
{
    private readonly long[] _counts = new long[Enum.GetValues<DeadLetterReason>().Length];
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private IInternalActorRef[] _subscribers = [];

    internal DeadLetterOffice(ILogger log, TimeProvider time)
    {
        _log = log;
        _time = time;
    }

    public string Path => "/deadLetters";

    /// <summary>All dead letters since the system started.</summary>
    public long Count
    {
        get
        {
            long total = 0;
            for (var i = 0; i < _counts.Length; i++)
            {
                total += Volatile.Read(ref _counts[i]);
            }

            return total;
        }
    }

    public long CountOf(DeadLetterReason reason) => Volatile.Read(ref _counts[(int)reason]);

    /// <summary>Forwards every later dead letter to <paramref name="subscriber"/> (best effort, never recursive).</summary>
    public void Subscribe(IActorRef subscriber)
    {
        var target = subscriber as IInternalActorRef
            ?? throw new ArgumentException("Only actors and probes can subscribe to dead letters.", nameof(subscriber));
        ImmutableInterlocked.Update(ref _subscribers, static (list, s) => [.. list, s], target);
    }

    public void Unsubscribe(IActorRef subscriber) =>
        ImmutableInterlocked.Update(ref _subscribers, static (list, s) => Array.FindAll(list, x => !ReferenceEquals(x, s)), subscriber);

    public void Tell(object message, IActorRef? sender = null) => Publish(message, sender, this, DeadLetterReason.NoRecipient);

    public ValueTask SendAsync(object message, IActorRef? sender = null, CancellationToken cancellationToken = default)
    {
        Tell(message, sender);
        return ValueTask.CompletedTask;
    }

    public Task<TResponse> Ask<TResponse>(object message, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        AskSupport.Ask<TResponse>(this, message, timeout, _time, cancellationToken);

    public override string ToString() => Path;

    internal void Publish(object message, IActorRef? sender, IActorRef recipient, DeadLetterReason reason)
    {
        Interlocked.Increment(ref _counts[(int)reason]);
        if (message is TimerFired fired)
        {
            message = fired.Message;
        }

        _log.DeadLetter(recipient.Path, message.GetType().Name, sender?.Path, reason);
        var subscribers = Volatile.Read(ref _subscribers);
        if (subscribers.Length == 0)
        {
            return;
        }

        var letter = new DeadLetter(message, sender, recipient, reason);
        foreach (var subscriber in subscribers)
        {
            // TryTell: a subscriber with a full mailbox must not produce a dead letter about a dead letter.
            subscriber.TryTell(letter, this);
        }
    }
}
