using System.Diagnostics;

namespace SecureMonitor.TestKit.Monitors;

/// <summary>
/// Bounded waiting for a condition another task makes true (a counter reaching a value). A cheap
/// condition is re-checked after yielding to other work, one that costs I/O on a short period; either
/// fails with a description after the bound.
/// Use it only after the event that should cause the condition (a refused handshake, a closed
/// connection), so the wait is short; wait on the event itself where there is one.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultWithin = TimeSpan.FromSeconds(10);

    public static async Task WaitUntilAsync(Func<bool> condition, Func<string> describeFailure, TimeSpan? within = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var limit = within ?? DefaultWithin;
        var started = Stopwatch.GetTimestamp();
        while (!condition())
        {
            if (Stopwatch.GetElapsedTime(started) > limit)
            {
                throw new TestKitAssertionException($"Not within {limit.TotalSeconds:0.###} s: {describeFailure()}");
            }
            await Task.Yield();
        }
    }

    /// <summary>
    /// For a condition that costs I/O to check (a store query, an admin command): checks it every
    /// <paramref name="pollEvery"/> (default 50 ms) rather than back to back, so the wait does not load
    /// the system it waits on.
    /// </summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, Func<string> describeFailure, TimeSpan? within = null,
        TimeSpan? pollEvery = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var limit = within ?? DefaultWithin;
        var started = Stopwatch.GetTimestamp();
        using var poll = new PeriodicTimer(pollEvery ?? TimeSpan.FromMilliseconds(50));
        while (!await condition())
        {
            if (Stopwatch.GetElapsedTime(started) > limit)
            {
                throw new TestKitAssertionException($"Not within {limit.TotalSeconds:0.###} s: {describeFailure()}");
            }
            await poll.WaitForNextTickAsync();
        }
    }
}
