namespace SecureMonitor.Analysis.Correlation;

/// <summary>
/// What the window remembers of one host: its latest alerts (at most the storm size, which is all a storm test
/// needs) and its latest firing alert per metric (capped, since metric names come from the watcher).
/// </summary>
internal sealed class HostActivity
{
    /// <summary>A watcher has a few dozen metrics; more than this means something is wrong with it.</summary>
    internal const int MaxFiringMetrics = 64;

    private readonly List<SequencedAlert> _recent = [];
    private readonly Dictionary<string, SequencedAlert> _latestFiringByMetric = new(StringComparer.Ordinal);

    public DateTimeOffset LastAlertAt { get; private set; } = DateTimeOffset.MinValue;

    public DateTimeOffset? LastFiringAt { get; private set; }

    public int RecentCount => _recent.Count;

    public IReadOnlyList<SequencedAlert> Recent => _recent;

    /// <summary>Keeps <paramref name="alert"/> among the latest <paramref name="capacity"/>; returns the alert that made room, if any.</summary>
    public SequencedAlert? Remember(SequencedAlert alert, int capacity)
    {
        // Sorted by timestamp, arrival order among equal ones: alerts from a resend may come out of order.
        int index = _recent.Count;
        while (index > 0 && _recent[index - 1].Alert.At > alert.Alert.At)
        {
            index--;
        }

        _recent.Insert(index, alert);
        if (alert.Alert.At > LastAlertAt)
        {
            LastAlertAt = alert.Alert.At;
        }

        if (_recent.Count <= capacity)
        {
            return null;
        }

        SequencedAlert evicted = _recent[0];
        _recent.RemoveAt(0);
        return evicted;
    }

    /// <summary>Forgets one alert that left the window (the oldest, so the search ends at once).</summary>
    public void Forget(long sequence)
    {
        int index = _recent.FindIndex(a => a.Sequence == sequence);
        if (index >= 0)
        {
            _recent.RemoveAt(index);
        }
    }

    public void RememberFiring(SequencedAlert alert)
    {
        string metric = alert.Alert.Metric;
        if (!_latestFiringByMetric.TryGetValue(metric, out SequencedAlert known) || alert.Alert.At >= known.Alert.At)
        {
            _latestFiringByMetric[metric] = alert;
        }

        if (_latestFiringByMetric.Count > MaxFiringMetrics)
        {
            string oldest = _latestFiringByMetric.MinBy(p => p.Value.Alert.At).Key;
            _latestFiringByMetric.Remove(oldest);
        }

        if (LastFiringAt is not DateTimeOffset last || alert.Alert.At > last)
        {
            LastFiringAt = alert.Alert.At;
        }
    }

    public void ForgetFiring()
    {
        _latestFiringByMetric.Clear();
        LastFiringAt = null;
    }

    /// <summary>The latest firing alert per metric, those at or after <paramref name="cutoff"/>.</summary>
    public IEnumerable<SequencedAlert> LatestFiringSince(DateTimeOffset cutoff) =>
        _latestFiringByMetric.Values.Where(a => a.Alert.At >= cutoff);
}
