using System.Runtime.ExceptionServices;

namespace SecureMonitor.Actors.Internal;

internal static class AskSupport
{
    /// <summary>
    /// The timeout timer is created before the first await, so on a manual clock an Advance made
    /// right after calling Ask already counts.
    /// </summary>
    public static async Task<TResponse> Ask<TResponse>(
        IActorRef target, object message, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "An Ask needs a positive timeout.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var promise = new PromiseActorRef();
        using var timer = timeout == Timeout.InfiniteTimeSpan
            ? null
            : time.CreateTimer(
                static state =>
                {
                    var (p, t, m, limit) = ((PromiseActorRef, IActorRef, object, TimeSpan))state!;
                    p.Fail(new AskTimeoutException($"Ask of {t.Path} with {m.GetType().Name} got no reply within {limit}."));
                },
                (promise, target, message, timeout),
                timeout,
                Timeout.InfiniteTimeSpan);
        await using var registration = cancellationToken.Register(
            static (state, token) => ((PromiseActorRef)state!).Cancel(token), promise).ConfigureAwait(false);

        target.Tell(message, promise);
        var reply = await promise.Reply.ConfigureAwait(false);
        return reply switch
        {
            TResponse response => response,
            Exception failure => Rethrow<TResponse>(failure),
            _ => throw new InvalidCastException(
                $"Ask of {target.Path} with {message.GetType().Name} expected {typeof(TResponse).Name} but the reply was {reply.GetType().Name}."),
        };
    }

    private static T Rethrow<T>(Exception failure)
    {
        ExceptionDispatchInfo.Capture(failure).Throw();
        return default!;
    }
}
