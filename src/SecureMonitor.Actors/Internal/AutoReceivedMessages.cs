namespace SecureMonitor.Actors.Internal;

/// <summary>
/// A timer's message, stamped so that a message already queued when its timer was cancelled or
/// restarted is dropped instead of delivered.
/// </summary>
internal sealed record TimerFired(ActorCell Owner, object Key, long Generation, object Message);

/// <summary>Queued for a watcher; delivered as <see cref="Terminated"/> only if it still watches.</summary>
internal sealed record WatchedActorTerminated(IActorRef Actor);

/// <summary>Answered by the kernel itself once every earlier message has been processed.</summary>
internal sealed record BarrierRequest
{
    public static readonly BarrierRequest Instance = new();
}

internal sealed record BarrierReached
{
    public static readonly BarrierReached Instance = new();
}
