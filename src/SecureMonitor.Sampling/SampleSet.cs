namespace SecureMonitor.Sampling;

/// <summary>Everything one <see cref="HostSampler.Sample"/> produced.</summary>
/// <param name="Timestamp">When the sample was started.</param>
/// <param name="Values">Metric values by <see cref="MetricNames"/> name. A rate or percentage is
/// absent on the first sample (nothing to compare with yet), and so are the metrics of a failed
/// collector.</param>
/// <param name="Unsupported">Metrics this system cannot provide (never reported as zero).</param>
/// <param name="Collectors">Each collector's outcome, in registration order.</param>
public sealed record SampleSet(
    DateTimeOffset Timestamp,
    IReadOnlyDictionary<string, double> Values,
    IReadOnlySet<string> Unsupported,
    IReadOnlyList<CollectorStatus> Collectors)
{
    public bool AllCollectorsSucceeded
    {
        get
        {
            foreach (CollectorStatus status in Collectors)
            {
                if (!status.Succeeded)
                {
                    return false;
                }
            }

            return true;
        }
    }
}

/// <summary>How one collector's read went: its duration, and why it failed if it did.</summary>
public readonly record struct CollectorStatus(string Name, bool Succeeded, TimeSpan Duration, string? Error);
