namespace SecureMonitor.Analysis.Liveness;

/// <summary>
/// Tuning of <see cref="PhiAccrualFailureDetector"/>, with the meanings Akka gives them. The defaults suit
/// watchers that send a heartbeat every 5 s: with steady heartbeats phi reaches 8 after about 10.6 s of silence.
/// </summary>
public sealed record PhiAccrualOptions
{
    /// <summary>How many of the latest inter-arrival intervals are kept; older ones are forgotten.</summary>
    public int MaxSampleSize { get; init; } = 100;

    /// <summary>
    /// Floor for the standard deviation: perfectly regular heartbeats would otherwise make phi jump from 0 to
    /// infinity on the slightest delay.
    /// </summary>
    public TimeSpan MinStdDeviation { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Pause that is not yet suspicious (GC, a busy watcher), added to the mean interval.</summary>
    public TimeSpan AcceptableHeartbeatPause { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The interval expected before any has been measured: seeds the history on the first heartbeat.</summary>
    public TimeSpan FirstHeartbeatEstimate { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Every problem with the options, in plain words; empty if usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxSampleSize < 2)
        {
            errors.Add($"max sample size ({MaxSampleSize}) must be at least 2");
        }

        if (MinStdDeviation <= TimeSpan.Zero)
        {
            errors.Add($"min std deviation ({MinStdDeviation}) must be positive");
        }

        if (AcceptableHeartbeatPause < TimeSpan.Zero)
        {
            errors.Add($"acceptable heartbeat pause ({AcceptableHeartbeatPause}) must not be negative");
        }

        if (FirstHeartbeatEstimate <= TimeSpan.Zero)
        {
            errors.Add($"first heartbeat estimate ({FirstHeartbeatEstimate}) must be positive");
        }

        return errors;
    }
}
