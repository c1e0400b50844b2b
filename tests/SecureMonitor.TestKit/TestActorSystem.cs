using Microsoft.Extensions.Logging;
using SecureMonitor.Actors;
using SecureMonitor.Actors.Internal;

namespace SecureMonitor.TestKit;

/// <summary>An <see cref="ActorSystem"/> on a <see cref="ManualTimeProvider"/>, with probes and barriers.</summary>
public sealed class TestActorSystem : IAsyncDisposable
{
    private int _probeCount;

    public TestActorSystem(string name = "test", ActorSystemOptions? options = null, ILoggerFactory? loggerFactory = null, DateTimeOffset? start = null)
    {
        Time = new ManualTimeProvider(start);
        System = new ActorSystem(name, Time, loggerFactory, options);
    }

    public ManualTimeProvider Time { get; }

    public ActorSystem System { get; }

    public TestProbe CreateProbe(string name = "probe") =>
        new(System, $"{name}-{Interlocked.Increment(ref _probeCount)}");

    /// <summary>
    /// Completes once <paramref name="actor"/> has processed every message sent to it before this call
    /// (by this thread), including its PreStart: the barrier to pass before advancing the clock.
    /// Bounded by <paramref name="within"/> of real time.
    /// </summary>
    public async Task BarrierAsync(IActorRef actor, TimeSpan? within = null)
    {
        var limit = within ?? TestProbe.DefaultWithin;
        try
        {
            await actor.Ask<BarrierReached>(BarrierRequest.Instance, Timeout.InfiniteTimeSpan).WaitAsync(limit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TestKitAssertionException($"{actor.Path} did not reach the barrier within {limit} (is it suspended, stopped or blocked?).");
        }
    }

    public Task ShutdownAsync() => System.ShutdownAsync();

    public ValueTask DisposeAsync() => System.DisposeAsync();
}
