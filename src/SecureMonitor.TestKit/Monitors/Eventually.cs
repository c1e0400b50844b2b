using System.Diagnostics;

namespace SecureMonitor.TestKit.Monitors;

/// <summary>
/// Bounded waiting for a condition another task makes true (a counter reaching a value). It never
/// sleeps: it re-checks after yielding to other work, and fails with a description after the bound.
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
}
