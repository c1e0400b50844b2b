namespace SecureMonitor.Actors;

/// <summary>
/// An address to send messages to. Refs stay valid after the actor stops: messages then go to
/// <see cref="ActorSystem.DeadLetters"/>, counted.
/// </summary>
public interface IActorRef
{
    /// <summary>Where the actor sits in the tree, e.g. <c>/user/monitor/host-web01</c>.</summary>
    string Path { get; }

    /// <summary>
    /// Enqueues without waiting. A full mailbox or a stopped actor sends the message to dead letters.
    /// </summary>
    void Tell(object message, IActorRef? sender = null);

    /// <summary>Enqueues, waiting for mailbox space: backpressure for producers that can wait.</summary>
    ValueTask SendAsync(object message, IActorRef? sender = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends <paramref name="message"/> and waits for the reply. Throws <see cref="AskTimeoutException"/>
    /// when no reply arrives within <paramref name="timeout"/>, measured on the system's TimeProvider.
    /// A reply that is an <see cref="Exception"/> is rethrown.
    /// </summary>
    Task<TResponse> Ask<TResponse>(object message, TimeSpan timeout, CancellationToken cancellationToken = default);
}
