namespace SecureMonitor.Watcher.Delivery;

/// <summary>
/// Delay before the next connection attempt: exponential from <c>min</c> to <c>max</c> with "full
/// jitter" (a uniform draw between zero and the current ceiling), so thousands of watchers that lost
/// the same monitor do not reconnect in lockstep and flood its TLS handshakes.
/// </summary>
public sealed class ReconnectBackoff(TimeSpan min, TimeSpan max, Random random)
{
    private int _failures;

    public int ConsecutiveFailures => _failures;

    /// <summary>The delay after one more failed attempt.</summary>
    public TimeSpan NextDelay()
    {
        var exponent = Math.Min(_failures, 30);
        _failures++;
        var ceiling = Math.Min(max.Ticks, min.Ticks * (1L << Math.Min(exponent, 20)));
        var floor = min.Ticks / 2; // never hammer: at least half the minimum
        return TimeSpan.FromTicks(floor + (long)(random.NextDouble() * Math.Max(0, ceiling - floor)));
    }

    /// <summary>A connection succeeded: the next failure starts from the minimum again.</summary>
    public void Reset() => _failures = 0;
}
