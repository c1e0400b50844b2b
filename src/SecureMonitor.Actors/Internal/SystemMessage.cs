namespace SecureMonitor.Actors.Internal;

/// <summary>
/// Lifecycle and supervision signals. They travel in their own unbounded queue, are processed before
/// user messages and are never dropped for lack of space.
/// </summary>
internal abstract record SystemMessage;

/// <summary>Build the actor instance and run PreStart.</summary>
internal sealed record Create : SystemMessage
{
    public static readonly Create Instance = new();
}

/// <summary>Stop: children first, then PostStop, then tell watchers.</summary>
internal sealed record Terminate : SystemMessage
{
    public static readonly Terminate Instance = new();
}

/// <summary>From the supervisor: replace the failed instance with a fresh one.</summary>
internal sealed record Recreate(Exception Cause) : SystemMessage;

/// <summary>From a child to its parent: the child failed and is suspended until told what to do.</summary>
internal sealed record Failed(ActorCell Child, Exception Cause) : SystemMessage;

/// <summary>From a child to its parent: the child has fully stopped.</summary>
internal sealed record ChildTerminated(ActorCell Child) : SystemMessage;

internal sealed record Watch(IInternalActorRef Watchee, IInternalActorRef Watcher) : SystemMessage;

internal sealed record Unwatch(IInternalActorRef Watchee, IInternalActorRef Watcher) : SystemMessage;

/// <summary>To a watcher: the watched actor has stopped.</summary>
internal sealed record DeathWatchNotification(IActorRef Actor) : SystemMessage;
