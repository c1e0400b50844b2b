namespace SecureMonitor.Actors.Internal;

/// <summary>What the kernel needs from a ref beyond the public surface: watch and failure plumbing.</summary>
internal interface IInternalActorRef : IActorRef
{
    void SendSystemMessage(SystemMessage message);

    /// <summary>Enqueues without falling back to dead letters (used to feed dead-letter subscribers).</summary>
    bool TryTell(object message, IActorRef? sender);
}
