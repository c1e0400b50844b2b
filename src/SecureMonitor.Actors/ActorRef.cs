using SecureMonitor.Actors.Internal;

namespace SecureMonitor.Actors;

/// <summary>The ref of a local actor. One per actor for its whole life, across restarts.</summary>
public sealed class ActorRef : IInternalActorRef
{
    internal ActorRef(ActorCell cell) => Cell = cell;

    public string Path => Cell.Path;

    /// <summary>User messages waiting in the mailbox.</summary>
    public int MailboxCount => Cell.Mailbox.Count;

    internal ActorCell Cell { get; }

    public void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        Cell.Post(new Envelope(message, sender));
    }

    public ValueTask SendAsync(object message, IActorRef? sender = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Cell.PostWhenSpaceAsync(new Envelope(message, sender), cancellationToken);
    }

    public Task<TResponse> Ask<TResponse>(object message, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        AskSupport.Ask<TResponse>(this, message, timeout, Cell.System.TimeProvider, cancellationToken);

    void IInternalActorRef.SendSystemMessage(SystemMessage message) => Cell.SendSystemMessage(message);

    bool IInternalActorRef.TryTell(object message, IActorRef? sender) => Cell.TryPost(new Envelope(message, sender));

    public override string ToString() => Path;
}
