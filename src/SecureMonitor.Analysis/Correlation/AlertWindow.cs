namespace SecureMonitor.Analysis.Correlation;

/// <summary>
/// The sliding window over alert timestamps: which hosts alerted, and which had a firing alert, within the
/// window. Memory follows the number of hosts active in the window, not the number of alerts: per host at most
/// the storm size of alerts and <see cref="HostActivity.MaxFiringMetrics"/> firing metrics. Hosts and alerts are
/// also kept in sets ordered by time, so that pruning on every call only touches what expires.
/// </summary>
internal sealed class AlertWindow
{
    private readonly TimeSpan _length;
    private readonly int _perHostCapacity;
    private readonly Dictionary<string, HostActivity> _hosts = new(StringComparer.Ordinal);
    private readonly SortedSet<(DateTimeOffset At, string HostId)> _byLastAlert = new(ByTimeThenHost.Instance);
    private readonly SortedSet<(DateTimeOffset At, string HostId)> _byLastFiring = new(ByTimeThenHost.Instance);
    private readonly SortedSet<(DateTimeOffset At, long Sequence, string HostId)> _recentAlerts = new(ByTimeThenSequence.Instance);

    public AlertWindow(TimeSpan length, int perHostCapacity)
    {
        _length = length;
        _perHostCapacity = perHostCapacity;
    }

    public int HostCount => _hosts.Count;

    public int FiringHostCount => _byLastFiring.Count;

    /// <summary>Alerts held across all hosts (bounded by hosts × storm size).</summary>
    public int TrackedAlerts => _recentAlerts.Count;

    public DateTimeOffset CutoffAt(DateTimeOffset clock) => clock - _length;

    /// <summary>Forgets alerts, hosts and firing state older than the window at <paramref name="clock"/>.</summary>
    public void Prune(DateTimeOffset clock)
    {
        DateTimeOffset cutoff = CutoffAt(clock);
        while (_recentAlerts.Count > 0 && _recentAlerts.Min.At < cutoff)
        {
            (DateTimeOffset _, long sequence, string hostId) = _recentAlerts.Min;
            _recentAlerts.Remove(_recentAlerts.Min);
            _hosts[hostId].Forget(sequence);
        }

        while (_byLastFiring.Count > 0 && _byLastFiring.Min.At < cutoff)
        {
            (DateTimeOffset _, string hostId) = _byLastFiring.Min;
            _byLastFiring.Remove(_byLastFiring.Min);
            _hosts[hostId].ForgetFiring();
        }

        while (_byLastAlert.Count > 0 && _byLastAlert.Min.At < cutoff)
        {
            (DateTimeOffset _, string hostId) = _byLastAlert.Min;
            _byLastAlert.Remove(_byLastAlert.Min);
            _hosts.Remove(hostId);
        }
    }

    /// <summary>Adds an alert (not older than the window; call <see cref="Prune"/> first) and reports the counts before and after it.</summary>
    public WindowAdmission Add(SequencedAlert entry)
    {
        ObservedAlert alert = entry.Alert;
        if (!_hosts.TryGetValue(alert.HostId, out HostActivity? host))
        {
            host = new HostActivity();
            _hosts.Add(alert.HostId, host);
        }

        int hostAlertsBefore = host.RecentCount;
        DateTimeOffset lastAlertBefore = host.LastAlertAt;
        _recentAlerts.Add((alert.At, entry.Sequence, alert.HostId));
        if (host.Remember(entry, _perHostCapacity) is SequencedAlert evicted)
        {
            _recentAlerts.Remove((evicted.Alert.At, evicted.Sequence, alert.HostId));
        }

        Reorder(_byLastAlert, alert.HostId, lastAlertBefore, host.LastAlertAt, wasPresent: lastAlertBefore != DateTimeOffset.MinValue);

        int firingHostsBefore = _byLastFiring.Count;
        if (alert.Firing)
        {
            DateTimeOffset? lastFiringBefore = host.LastFiringAt;
            host.RememberFiring(entry);
            Reorder(_byLastFiring, alert.HostId, lastFiringBefore ?? default, host.LastFiringAt!.Value, wasPresent: lastFiringBefore is not null);
        }

        return new WindowAdmission(firingHostsBefore, _byLastFiring.Count, hostAlertsBefore, host.RecentCount);
    }

    /// <summary>Every host's latest firing alert per metric still within the window.</summary>
    public IEnumerable<SequencedAlert> LatestFiring(DateTimeOffset clock)
    {
        DateTimeOffset cutoff = CutoffAt(clock);
        return _hosts.Values.SelectMany(h => h.LatestFiringSince(cutoff));
    }

    /// <summary>One host's alerts within the window (at most the storm size).</summary>
    public IEnumerable<SequencedAlert> RecentOf(string hostId) =>
        _hosts.TryGetValue(hostId, out HostActivity? host) ? host.Recent : [];

    private static void Reorder(
        SortedSet<(DateTimeOffset At, string HostId)> set, string hostId, DateTimeOffset before, DateTimeOffset after, bool wasPresent)
    {
        if (wasPresent && before == after)
        {
            return;
        }

        if (wasPresent)
        {
            set.Remove((before, hostId));
        }

        set.Add((after, hostId));
    }

    private sealed class ByTimeThenHost : IComparer<(DateTimeOffset At, string HostId)>
    {
        public static readonly ByTimeThenHost Instance = new();

        public int Compare((DateTimeOffset At, string HostId) x, (DateTimeOffset At, string HostId) y)
        {
            int byTime = x.At.UtcTicks.CompareTo(y.At.UtcTicks);
            return byTime != 0 ? byTime : string.CompareOrdinal(x.HostId, y.HostId);
        }
    }

    private sealed class ByTimeThenSequence : IComparer<(DateTimeOffset At, long Sequence, string HostId)>
    {
        public static readonly ByTimeThenSequence Instance = new();

        public int Compare((DateTimeOffset At, long Sequence, string HostId) x, (DateTimeOffset At, long Sequence, string HostId) y)
        {
            int byTime = x.At.UtcTicks.CompareTo(y.At.UtcTicks);
            return byTime != 0 ? byTime : x.Sequence.CompareTo(y.Sequence);
        }
    }
}

/// <summary>Window counts just before and just after one alert was added.</summary>
internal readonly record struct WindowAdmission(int FiringHostsBefore, int FiringHostsAfter, int HostAlertsBefore, int HostAlertsAfter);
