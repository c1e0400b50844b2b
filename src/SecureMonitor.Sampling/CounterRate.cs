namespace SecureMonitor.Sampling;

/// <summary>
/// Turns successive readings of a monotonic kernel counter into a rate per second. Each counter
/// keeps its own timestamp, so a counter that appears late (a new interface) or skips a sample
/// is never divided by the wrong interval.
/// </summary>
internal struct CounterRate
{
    private ulong last;
    private long lastTimestamp;
    private bool hasLast;

    /// <summary>
    /// Records <paramref name="value"/> taken at <paramref name="timestamp"/> and returns the rate
    /// since the previous one: null on the first reading, when no time has passed, or when the
    /// counter went backwards (reset or wrap), in which case the new value is the new baseline.
    /// </summary>
    public double? Update(ulong value, long timestamp, TimeProvider time)
    {
        double? rate = null;
        if (hasLast && value >= last)
        {
            double seconds = time.GetElapsedTime(lastTimestamp, timestamp).TotalSeconds;
            if (seconds > 0)
            {
                rate = (value - last) / seconds;
            }
        }

        last = value;
        lastTimestamp = timestamp;
        hasLast = true;
        return rate;
    }

    public void Reset() => this = default;
}
