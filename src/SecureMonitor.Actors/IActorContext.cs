using Microsoft.Extensions.Logging;

namespace SecureMonitor.Actors;

/// <summary>An actor's view of itself and the tree. Use it only from inside the actor's handlers and hooks.</summary>
public interface IActorContext
{
    IActorRef Self { get; }

    /// <summary>Sender of the current message; dead letters when it had none.</summary>
    IActorRef Sender { get; }

    /// <summary>The supervisor; top-level actors have the <c>/user</c> guardian.</summary>
    IActorRef Parent { get; }

    IReadOnlyCollection<IActorRef> Children { get; }

    ActorSystem System { get; }

    ITimerScheduler Timers { get; }

    /// <summary>More user messages wait behind the current one: an actor may hold costly work (a store
    /// write, a notification) for the next of them and do it once, as group commit does.</summary>
    bool HasQueuedMessages { get; }

    /// <summary>A logger whose category is the actor's type.</summary>
    ILogger Log { get; }

    IActorRef ActorOf(Props props, string name);

    IActorRef ActorOf(Func<Actor> factory, string name);

    IActorRef? Child(string name);

    /// <summary>Stops this actor or one of its children, after the current message.</summary>
    void Stop(IActorRef actor);

    /// <summary>Delivers <see cref="Terminated"/> when <paramref name="actor"/> stops (at once if it already has).</summary>
    void Watch(IActorRef actor);

    /// <summary>No <see cref="Terminated"/> for <paramref name="actor"/> is delivered after this call.</summary>
    void Unwatch(IActorRef actor);
}
