using Akka.Actor;

namespace SecureMonitor.TestKit.Actors;

public static class Barriers
{
    /// <summary>
    /// Completes once <paramref name="actor"/> has handled every message sent to it before this call (by
    /// this thread): Akka handles <see cref="Identify"/> in mailbox order, after an async handler that is
    /// still running. The barrier to pass before advancing virtual time or looking at what an actor did.
    /// Bounded by <paramref name="within"/> of real time (an Ask's own timeout would run on the virtual clock).
    /// </summary>
    public static async Task BarrierAsync(this IActorRef actor, TimeSpan within)
    {
        try
        {
            await actor.Ask<ActorIdentity>(new Identify(null)).WaitAsync(within);
        }
        catch (TimeoutException)
        {
            throw new TestKitAssertionException($"{actor.Path} did not reach the barrier within {within} (is it stopped or blocked?).");
        }
    }
}
