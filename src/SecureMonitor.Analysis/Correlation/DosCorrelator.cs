namespace SecureMonitor.Analysis.Correlation;

/// <summary>
/// Turns verified alerts from many hosts into DoS incidents, one per episode. Pure and deterministic: time comes
/// from the alerts and from <see cref="Tick"/>, nothing here reads a clock or does I/O; one owner (an actor) calls
/// it. Not thread-safe.
/// <para>Semantics (the conditions that make an alert evidence are on <see cref="CorrelationOptions"/>):</para>
/// <list type="bullet">
/// <item><b>Clock</b>: the latest time seen, from alert timestamps and <see cref="Tick"/>; it never goes back.
/// An alert older than the window at that clock is too late to count: it changes nothing and is counted in
/// <see cref="CorrelatorSnapshot.LateAlerts"/>.</item>
/// <item><b>One incident at a time</b>: the first evidence opens one (<see cref="IncidentOpened"/>, opened at the
/// clock); later evidence joins it. Evidence that brings a new host, metric or reason emits
/// <see cref="IncidentGrew"/>; other evidence only updates the aggregated <see cref="Evidence"/> and counts.</item>
/// <item><b>Sweeping</b>: when a condition starts to hold (the K-th firing host arrives, a host's storm begins,
/// an incident opens), the alerts in the window that make it up join the incident too, so it carries all the
/// hosts that made it and not just the last one.</item>
/// <item><b>Resolution</b>: once the clock is <see cref="CorrelationOptions.QuietPeriod"/> past the last evidence
/// (measured at the clock when evidence arrived), the incident resolves: <see cref="IncidentResolved"/>, stamped
/// with the instant the quiet period completed. That is checked before each alert, so an alert after a quiet
/// period opens a new incident with a new id.</item>
/// <item><b>Acknowledgement</b> changes the state only; the incident keeps growing and resolves the same way.</item>
/// <item><b>Operator resolution</b> (<see cref="Resolve"/>) ends the incident at once; later evidence opens a new one.</item>
/// </list>
/// </summary>
public sealed class DosCorrelator
{
    private static readonly IReadOnlyList<IncidentEvent> NoEvents = [];

    private readonly AlertWindow _window;
    private readonly IncidentIdGenerator _ids = new();
    private OpenIncident? _active;
    private DateTimeOffset? _clock;
    private long _sequence;
    private long _lateAlerts;

    /// <param name="options">Valid options (defaults if null); invalid ones throw <see cref="ArgumentException"/> listing the problems.</param>
    public DosCorrelator(CorrelationOptions? options = null)
    {
        Options = options ?? new CorrelationOptions();
        Options.ThrowIfInvalid(nameof(options));
        _window = new AlertWindow(Options.Window, Options.StormAlerts);
    }

    public CorrelationOptions Options { get; }

    /// <summary>The open or acknowledged incident, or null.</summary>
    public Incident? ActiveIncident => _active?.Current;

    public CorrelatorSnapshot Snapshot() => new(
        _active?.Current, _clock, _window.HostCount, _window.FiringHostCount, _window.TrackedAlerts, _sequence, _lateAlerts);

    /// <summary>Takes one verified alert into account; returns what changed (at most a resolution and one other event).</summary>
    public IReadOnlyList<IncidentEvent> Observe(ObservedAlert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentException.ThrowIfNullOrEmpty(alert.HostId, nameof(alert));
        ArgumentException.ThrowIfNullOrEmpty(alert.Metric, nameof(alert));

        List<IncidentEvent>? events = AdvanceTo(alert.At);
        DateTimeOffset clock = _clock!.Value;
        if (alert.At < _window.CutoffAt(clock))
        {
            _lateAlerts++;
            return events ?? NoEvents;
        }

        var entry = new SequencedAlert(alert, ++_sequence);
        WindowAdmission admission = _window.Add(entry);
        IncidentReasons reasons = ReasonsFor(alert, admission);
        if (reasons == IncidentReasons.None)
        {
            return events ?? NoEvents;
        }

        bool opening = _active is null;
        _active ??= OpenIncident.Start(_ids.Next(clock), clock, Options.MaxEvidencePerIncident);
        var growth = new IncidentGrowth();
        foreach (SequencedAlert swept in SweepFor(entry, reasons, admission, opening))
        {
            _active.Absorb(swept, clock, growth);
        }

        _active.Absorb(entry, clock, growth);
        _active.AddReasons(reasons, growth);

        IncidentEvent? change = opening ? new IncidentOpened(_active.Current)
            : growth.IsEmpty ? null
            : growth.ToEvent(_active.Current, clock);
        if (change is null)
        {
            return events ?? NoEvents;
        }

        events ??= [];
        events.Add(change);
        return events;
    }

    /// <summary>Lets time pass without alerts: resolves a quiet incident and forgets expired window entries.</summary>
    public IReadOnlyList<IncidentEvent> Tick(DateTimeOffset now) => AdvanceTo(now) ?? NoEvents;

    /// <summary>
    /// An operator acknowledges the active incident <paramref name="incidentId"/>. Returns null (nothing changed)
    /// if that incident is not open: unknown, already acknowledged or resolved. Does not move the clock; call
    /// <see cref="Tick"/> first if a quiet incident should resolve before it can be acknowledged.
    /// </summary>
    public IncidentAcknowledged? Acknowledge(string incidentId, string by, string note, DateTimeOffset at)
    {
        ArgumentException.ThrowIfNullOrEmpty(by);
        if (_active is null || _active.Current.State != IncidentState.Open
            || !string.Equals(_active.Current.Id, incidentId, StringComparison.Ordinal))
        {
            return null;
        }

        var acknowledgement = new Acknowledgement(by, note ?? "", at);
        _active.Acknowledge(acknowledgement);
        return new IncidentAcknowledged(_active.Current, acknowledgement);
    }

    /// <summary>
    /// An operator resolves the active incident <paramref name="incidentId"/> (open or acknowledged) at
    /// <paramref name="at"/>, before its quiet period would have. Returns null (nothing changed) if that incident is
    /// not active. The window keeps its alerts: if the episode goes on, the next evidence opens a new incident.
    /// </summary>
    public IncidentResolved? Resolve(string incidentId, string by, string note, DateTimeOffset at)
    {
        ArgumentException.ThrowIfNullOrEmpty(by);
        if (_active is null || !string.Equals(_active.Current.Id, incidentId, StringComparison.Ordinal))
        {
            return null;
        }

        Incident resolved = _active.Resolve(at < _active.Current.OpenedAt ? _active.Current.OpenedAt : at);
        _active = null;
        return new IncidentResolved(resolved, new Acknowledgement(by, note ?? "", at));
    }

    /// <summary>
    /// Rebuilds state on a new leader from the store: the incidents the store holds as open or acknowledged, and the
    /// alerts of the last window. Replaces any state this correlator had. The alerts are taken as already seen (they
    /// were evidence, or not, under the previous leader), so they count for later alerts but are not added again.
    /// If the store holds several active incidents (it should not), the most recently opened one stays active and the
    /// others resolve at their last evidence: the returned <see cref="IncidentResolved"/> events let the store catch up.
    /// </summary>
    public IReadOnlyList<IncidentEvent> Restore(IEnumerable<Incident> open, IEnumerable<ObservedAlert> recentWindow)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(recentWindow);
        Incident[] known = open.ToArray();
        Incident[] incidents = known.Where(i => i.IsActive).ToArray();
        ObservedAlert[] alerts = recentWindow.OrderBy(a => a.At).ToArray();

        Reset();
        _ids.ContinueAfter(known);
        foreach (ObservedAlert alert in alerts)
        {
            _clock = Later(_clock, alert.At);
        }

        Incident[] newestFirst = incidents
            .OrderByDescending(i => i.OpenedAt)
            .ThenByDescending(i => i.Id, StringComparer.Ordinal)
            .ToArray();
        foreach (Incident incident in newestFirst)
        {
            _clock = Later(_clock, incident.LastEvidenceAt);
        }

        if (_clock is DateTimeOffset clock)
        {
            _window.Prune(clock);
            foreach (ObservedAlert alert in alerts.Where(a => a.At >= _window.CutoffAt(clock)))
            {
                _window.Add(new SequencedAlert(alert, ++_sequence));
            }
        }

        if (newestFirst.Length == 0)
        {
            return NoEvents;
        }

        _active = new OpenIncident(newestFirst[0], Options.MaxEvidencePerIncident, alreadySeenUpTo: _sequence);
        return newestFirst.Skip(1)
            .Select(i => (IncidentEvent)new IncidentResolved(i with { State = IncidentState.Resolved, ResolvedAt = i.LastEvidenceAt }))
            .ToArray();
    }

    private List<IncidentEvent>? AdvanceTo(DateTimeOffset at)
    {
        _clock = Later(_clock, at);
        DateTimeOffset clock = _clock.Value;
        _window.Prune(clock);
        if (_active is null || clock - _active.Current.LastEvidenceAt < Options.QuietPeriod)
        {
            return null;
        }

        Incident resolved = _active.Resolve(_active.Current.LastEvidenceAt + Options.QuietPeriod);
        _active = null;
        return [new IncidentResolved(resolved)];
    }

    private IncidentReasons ReasonsFor(ObservedAlert alert, WindowAdmission admission)
    {
        IncidentReasons reasons = IncidentReasons.None;
        if (alert.Firing && admission.FiringHostsAfter >= Options.MinHosts)
        {
            reasons |= IncidentReasons.DistributedAlerts;
        }

        if (admission.HostAlertsAfter >= Options.StormAlerts)
        {
            reasons |= IncidentReasons.AlertStorm;
        }

        if (alert.Firing && Options.AttackMetrics.Contains(alert.Metric))
        {
            reasons |= IncidentReasons.NetworkAttack;
        }

        return reasons;
    }

    /// <summary>The window's alerts behind a condition that just started to hold, in arrival order.</summary>
    private IEnumerable<SequencedAlert> SweepFor(SequencedAlert entry, IncidentReasons reasons, WindowAdmission admission, bool opening)
    {
        DateTimeOffset clock = _clock!.Value;
        IEnumerable<SequencedAlert> swept = [];
        if (reasons.HasFlag(IncidentReasons.DistributedAlerts) && (opening || admission.FiringHostsBefore < Options.MinHosts))
        {
            swept = swept.Concat(_window.LatestFiring(clock));
        }

        if (reasons.HasFlag(IncidentReasons.AlertStorm) && (opening || admission.HostAlertsBefore < Options.StormAlerts))
        {
            swept = swept.Concat(_window.RecentOf(entry.Alert.HostId));
        }

        // Materialised: absorbing must not run while the window is being enumerated.
        return swept.Where(a => a.Sequence != entry.Sequence).DistinctBy(a => a.Sequence).OrderBy(a => a.Sequence).ToArray();
    }

    private void Reset()
    {
        _window.Prune(DateTimeOffset.MaxValue);
        _active = null;
        _clock = null;
        _sequence = 0;
        _lateAlerts = 0;
    }

    private static DateTimeOffset Later(DateTimeOffset? current, DateTimeOffset candidate) =>
        current is DateTimeOffset c && c >= candidate ? c : candidate;
}
