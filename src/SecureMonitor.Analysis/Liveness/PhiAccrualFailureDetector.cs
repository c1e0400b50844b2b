namespace SecureMonitor.Analysis.Liveness;

/// <summary>
/// The phi accrual failure detector (Hayashibara et al., 2004) as Akka implements it: instead of a yes/no
/// timeout it gives a suspicion level, phi = -log10(P(a heartbeat arrives later than now)), assuming intervals
/// are normally distributed around the recent mean. Phi 1 means a 10 % chance the host is fine, 8 means 10⁻⁸.
/// Pure: time is passed in, nothing is read from a clock. Not thread-safe.
/// <para>
/// Times are the monitor's arrival times, not the watcher's stamps. A heartbeat not later than the previous one is
/// ignored (counted in <see cref="IgnoredHeartbeats"/>): duplicates must not shrink the mean interval.
/// </para>
/// </summary>
public sealed class PhiAccrualFailureDetector
{
    private readonly PhiAccrualOptions _options;
    private readonly IntervalHistory _history;
    private DateTimeOffset? _lastHeartbeat;

    public PhiAccrualFailureDetector(PhiAccrualOptions? options = null)
    {
        _options = options ?? new PhiAccrualOptions();
        IReadOnlyList<string> errors = _options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid phi accrual options: " + string.Join("; ", errors), nameof(options));
        }

        _history = new IntervalHistory(_options.MaxSampleSize);
    }

    public DateTimeOffset? LastHeartbeat => _lastHeartbeat;

    /// <summary>Intervals currently held (never more than <see cref="PhiAccrualOptions.MaxSampleSize"/>).</summary>
    public int SampleCount => _history.Count;

    public long IgnoredHeartbeats { get; private set; }

    /// <summary>Mean of the held intervals.</summary>
    public TimeSpan MeanInterval => TimeSpan.FromMilliseconds(_history.Mean);

    /// <summary>Standard deviation of the held intervals, before the floor is applied.</summary>
    public TimeSpan IntervalStdDeviation => TimeSpan.FromMilliseconds(_history.StdDeviation);

    /// <summary>
    /// Records a heartbeat that arrived at <paramref name="at"/>. With <paramref name="recordInterval"/> false the
    /// arrival is noted but the interval since the previous one is not learnt: it measured an outage, not the
    /// heartbeat rhythm, and would make the detector slow to suspect the next one.
    /// </summary>
    public void Heartbeat(DateTimeOffset at, bool recordInterval = true)
    {
        if (_lastHeartbeat is not DateTimeOffset last)
        {
            // Akka's bootstrap: two intervals around the estimate, so phi is meaningful from the first heartbeat.
            double mean = _options.FirstHeartbeatEstimate.TotalMilliseconds;
            double spread = mean / 4;
            _history.Add(mean - spread);
            _history.Add(mean + spread);
            _lastHeartbeat = at;
            return;
        }

        if (at <= last)
        {
            IgnoredHeartbeats++;
            return;
        }

        if (recordInterval)
        {
            _history.Add((at - last).TotalMilliseconds);
        }

        _lastHeartbeat = at;
    }

    /// <summary>Suspicion at <paramref name="now"/>: 0 before the first heartbeat, non-decreasing as silence grows.</summary>
    public double Phi(DateTimeOffset now)
    {
        if (_lastHeartbeat is not DateTimeOffset last)
        {
            return 0;
        }

        double sinceLast = Math.Max(0, (now - last).TotalMilliseconds);
        double mean = _history.Mean + _options.AcceptableHeartbeatPause.TotalMilliseconds;
        double stdDeviation = Math.Max(_history.StdDeviation, _options.MinStdDeviation.TotalMilliseconds);
        return PhiOf(sinceLast, mean, stdDeviation);
    }

    /// <summary>
    /// Akka's logistic approximation of the normal tail: P(later) ≈ 1 / (1 + e^L) with L = y(1.5976 + 0.070566 y²),
    /// y = (t - mean) / sd, so phi = log10(1 + e^L). Computed as a stable softplus, which stays finite and
    /// monotonic for any silence, where the textbook form overflows to infinity.
    /// </summary>
    internal static double PhiOf(double sinceLastMillis, double meanMillis, double stdDeviationMillis)
    {
        double y = (sinceLastMillis - meanMillis) / stdDeviationMillis;
        double l = y * (1.5976 + 0.070566 * y * y);
        double softplus = Math.Max(l, 0) + Math.Log(1 + Math.Exp(-Math.Abs(l)));
        return softplus / Math.Log(10);
    }
}
