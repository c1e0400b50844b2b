namespace SecureMonitor.Actors.Internal;

/// <summary>The temporary sender of an Ask: the first message told to it is the reply.</summary>
internal sealed class PromiseActorRef : IActorRef
{
    private static long s_nextId;
    private readonly TaskCompletionSource<object> _reply = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PromiseActorRef() => Path = "/temp/ask-" + Interlocked.Increment(ref s_nextId);

    public string Path { get; }

    public Task<object> Reply => _reply.Task;

    public void Tell(object message, IActorRef? sender = null) => _reply.TrySetResult(message);

    public ValueTask SendAsync(object message, IActorRef? sender = null, CancellationToken cancellationToken = default)
    {
        Tell(message, sender);
        return ValueTask.CompletedTask;
    }

    public Task<TResponse> Ask<TResponse>(object message, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("An Ask's reply address cannot itself be asked.");

    public void Fail(Exception exception) => _reply.TrySetException(exception);

    public void Cancel(CancellationToken cancellationToken) => _reply.TrySetCanceled(cancellationToken);

    public override string ToString() => Path;
}
