using SecureMonitor.Actors.Internal;

namespace SecureMonitor.Actors;

/// <summary>
/// Base class of every actor. Override <see cref="Receive"/> for synchronous handlers or
/// <see cref="ReceiveAsync"/> for asynchronous ones; either way the actor handles one message at a
/// time and the next waits until the returned task completes. Create actors only through
/// <c>ActorOf</c>: a restart calls the props' factory again for a fresh instance.
/// </summary>
public abstract class Actor
{
    private readonly ActorCell _cell;

    protected Actor() =>
        _cell = ActorCell.UnderConstruction
            ?? throw new InvalidOperationException($"{GetType().Name} must be created by ActorOf(...), not with new.");

    protected IActorContext Context => _cell;

    protected IActorRef Self => _cell.Self;

    /// <summary>Sender of the current message; dead letters when it had none.</summary>
    protected IActorRef Sender => _cell.Sender;

    protected virtual ValueTask ReceiveAsync(object message)
    {
        Receive(message);
        return ValueTask.CompletedTask;
    }

    protected virtual void Receive(object message) => Unhandled(message);

    /// <summary>Sends <paramref name="message"/> to dead letters with reason Unhandled.</summary>
    protected void Unhandled(object message) => _cell.Unhandled(message);

    protected virtual void PreStart()
    {
    }

    protected virtual void PostStop()
    {
    }

    /// <summary>Called on the failed instance before it is replaced; by default runs PostStop.</summary>
    protected virtual void PreRestart(Exception reason) => PostStop();

    /// <summary>Called on the fresh instance instead of PreStart; by default runs PreStart.</summary>
    protected virtual void PostRestart(Exception reason) => PreStart();

    // The kernel's entry points: the hooks stay protected, so subclasses override them as plain protected members.
    internal ValueTask InvokeReceive(object message) => ReceiveAsync(message);

    internal void InvokePreStart() => PreStart();

    internal void InvokePostStop() => PostStop();

    internal void InvokePreRestart(Exception reason) => PreRestart(reason);

    internal void InvokePostRestart(Exception reason) => PostRestart(reason);
}
