namespace SecureMonitor.Analysis.Thresholds;

/// <summary>
/// The state machine of one <see cref="ThresholdRule"/>: feed it samples with their time, it returns what
/// an operator should hear about. Pure and deterministic: no clock (time is the <c>at</c> argument), no
/// I/O, no threads; one owner (an actor) calls it. Not thread-safe.
/// <para>Semantics, per severity (Warning and Critical each have a level; "beyond" per <see cref="ThresholdRule.Direction"/>):</para>
/// <list type="bullet">
/// <item><b>Breach</b>: value &gt;= level (Above) or &lt;= level (Below). Exactly at the level is a breach.</item>
/// <item><b>Pending</b>: from the first breaching sample. Every later sample must breach too, strictly
/// (hysteresis does not apply here, as with Prometheus' <c>for</c>); one sample inside the level cancels the
/// pending breach silently. A breach shorter than <c>For</c> therefore produces no event at all.</item>
/// <item><b>Firing</b>: on the first sample at which the breach has lasted <c>For</c> (<c>at - pendingSince &gt;= For</c>;
/// <c>For = 0</c> fires on the first breaching sample) the alert opens: <see cref="Fired"/>. If both levels complete
/// on the same sample, it opens at Critical directly.</item>
/// <item><b>Clearing</b> needs the value back past level - hysteresis (Above) or level + hysteresis (Below); it takes
/// effect on that sample, with no sustain time (no <c>ResolveFor</c>: hysteresis already absorbs noise, and a
/// resolution that waits hides recovery). Clearing the lowest level that the rule has emits <see cref="Resolved"/>;
/// clearing only Critical while Warning still holds emits <see cref="Deescalated"/>.</item>
/// <item><b>Escalation</b> from an open Warning to Critical needs the critical level sustained for <c>For</c>
/// like any breach, and is never delayed by cooldown: <see cref="Escalated"/>.</item>
/// <item><b>Cooldown</b>: an alert that would open at a severity within <c>Cooldown</c> of the previous opening
/// (Fired or Escalated) at that severity is suppressed instead: one <see cref="Suppressed"/> event, counted in
/// <see cref="SuppressedCount"/>, nothing to resolve. The breach is kept (with hysteresis, as if firing): if it still
/// holds, it fires on the first sample at or after the cooldown's end that is beyond the level, so a sustained
/// problem is delayed, never dropped. A suppressed breach that reaches a higher severity than was suppressed fires
/// at once (an escalation). An alert never opens on a sample that is inside its level (held only by hysteresis).</item>
/// <item><b>Missing samples</b> (<see cref="Observe(double?, DateTimeOffset)"/> with null, or NaN) change nothing:
/// a pending breach keeps its start, a firing alert stays open, nothing fires or resolves until a real sample.</item>
/// <item><b>Time</b> must not go backwards; a sample older than the previous one is evaluated at the previous
/// time and counted in <see cref="OutOfOrderSamples"/> (throwing would make the owner restart and forget an open
/// alert). Callers should stamp samples from a monotonic source.</item>
/// </list>
/// Rule replacement is described on <see cref="Replace"/>.
/// </summary>
public sealed class ThresholdEvaluator
{
    private static readonly IReadOnlyList<ThresholdEvent> NoEvents = [];

    // The condition, before cooldown: the highest severity whose breach completed For and still holds.
    private Severity? _active;
    private DateTimeOffset? _warnPendingSince;
    private DateTimeOffset? _criticalPendingSince;

    // What operators were told: the open alert's severity, or null.
    private Severity? _open;
    private DateTimeOffset _firingSince;

    // A breach that is active but suppressed by cooldown ("quiet"): last and highest severity reported.
    private Severity? _quietSeverity;
    private Severity? _quietMax;

    private DateTimeOffset? _lastWarningFiring;
    private DateTimeOffset? _lastCriticalFiring;

    private double? _lastValue;
    private DateTimeOffset? _lastAt;

    /// <param name="rule">A valid rule; an invalid one throws <see cref="ArgumentException"/> listing its problems.</param>
    public ThresholdEvaluator(ThresholdRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ThrowIfInvalid(rule, nameof(rule));
        Rule = rule;
    }

    /// <summary>The rule in force.</summary>
    public ThresholdRule Rule { get; private set; }

    /// <summary>How many times an alert was held back by cooldown (one per <see cref="Suppressed"/> event).</summary>
    public long SuppressedCount { get; private set; }

    /// <summary>How many samples or replacements arrived with a time older than the previous one.</summary>
    public long OutOfOrderSamples { get; private set; }

    /// <summary>The current state, for status displays and tests.</summary>
    public ThresholdSnapshot Snapshot() => new(
        Rule.Id,
        _open is not null ? ThresholdPhase.Firing
            : _active is not null ? ThresholdPhase.Suppressed
            : _warnPendingSince is not null || _criticalPendingSince is not null ? ThresholdPhase.Pending
            : ThresholdPhase.Inactive,
        _open,
        _open is not null ? _firingSince : null,
        _warnPendingSince,
        _criticalPendingSince,
        _lastValue);

    /// <summary>Evaluates one sample taken at <paramref name="at"/>. NaN counts as a missing sample.</summary>
    public IReadOnlyList<ThresholdEvent> Observe(double value, DateTimeOffset at)
    {
        at = Admit(at);
        if (double.IsNaN(value))
        {
            return NoEvents;
        }

        _lastValue = value;
        Advance(value, at);
        return Announce(value, at, ResolveReason.Cleared, Rule);
    }

    /// <summary>
    /// Evaluates one sample; null means "no sample" (metric unsupported on this host, sampler failed):
    /// state holds, nothing fires or resolves.
    /// </summary>
    public IReadOnlyList<ThresholdEvent> Observe(double? value, DateTimeOffset at) =>
        value is double v ? Observe(v, at) : Observe(double.NaN, at);

    /// <summary>
    /// The rule is being removed: an open alert resolves (<see cref="ResolveReason.RuleReplaced"/>) so it does not
    /// stay open at the monitor forever, and all state is forgotten.
    /// </summary>
    public IReadOnlyList<ThresholdEvent> Retire(DateTimeOffset at) => CloseUnder(Rule, Admit(at));

    private IReadOnlyList<ThresholdEvent> CloseUnder(ThresholdRule rule, DateTimeOffset at)
    {
        IReadOnlyList<ThresholdEvent> events = NoEvents;
        if (_open is Severity open && _lastValue is double last)
        {
            events = [new Resolved(rule.Id, rule.Metric, open, last, rule.LevelOf(open) ?? double.NaN, at, _firingSince, ResolveReason.RuleReplaced)];
        }

        ForgetAll();
        return events;
    }

    /// <summary>
    /// Puts <paramref name="newRule"/> (same <see cref="ThresholdRule.Id"/>, valid) in force at <paramref name="at"/>.
    /// An identical rule changes nothing (a configuration push that leaves this rule alone must not restart its timers).
    /// <list type="bullet">
    /// <item>Metric changed: the old metric's samples say nothing about the new one, so an open alert is resolved
    /// (<see cref="ResolveReason.RuleReplaced"/>, last value seen) and all state, cooldown history included, is forgotten.</item>
    /// <item>Otherwise the last real sample is re-evaluated under the new rule at <paramref name="at"/>. A pending
    /// breach (including a pending escalation) restarts its sustain time from <paramref name="at"/> if it still breaches:
    /// the operator changed what counts as a breach, and time spent breaching the old level is not evidence of a
    /// sustained breach of the new one; a breach held back by cooldown (never announced) restarts the same way.
    /// An open alert stays open without firing again while it holds under the new levels (with hysteresis, as for
    /// any sample), deescalates if only the new critical level no longer holds, and resolves
    /// (<see cref="ResolveReason.RuleReplaced"/>) if the new lowest level no longer holds. A new level that the last value
    /// breaches starts pending at <paramref name="at"/> (with <c>For = 0</c> it fires or escalates at once).</item>
    /// </list>
    /// </summary>
    public IReadOnlyList<ThresholdEvent> Replace(ThresholdRule newRule, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(newRule);
        if (!string.Equals(newRule.Id, Rule.Id, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"rule '{ThresholdRule.Printable(newRule.Id)}' cannot replace rule '{Rule.Id}': an evaluator belongs to one rule id",
                nameof(newRule));
        }

        ThrowIfInvalid(newRule, nameof(newRule));
        at = Admit(at);
        if (newRule == Rule)
        {
            return NoEvents;
        }

        ThresholdRule old = Rule;
        Rule = newRule;

        if (!string.Equals(newRule.Metric, old.Metric, StringComparison.Ordinal))
        {
            return CloseUnder(old, at);
        }

        // Sustain restarts for every severity not already announced. A breach held back by cooldown was never
        // announced, so it restarts too: an alert never opens on a breach shorter than the For in force.
        if (_open is null)
        {
            _active = null;
            _quietSeverity = null;
            _quietMax = null;
        }

        if (_active is null)
        {
            _warnPendingSince = null;
        }

        if (_active is not Severity.Critical)
        {
            _criticalPendingSince = null;
        }

        if (_lastValue is not double value)
        {
            return NoEvents;
        }

        Advance(value, at);
        return Announce(value, at, ResolveReason.RuleReplaced, old);
    }

    /// <summary>The condition: pending → active (For completed) → cleared (hysteresis), before cooldown.</summary>
    private void Advance(double value, DateTimeOffset at)
    {
        bool warnBreach = Breaches(Rule.Warn, value);
        bool criticalBreach = Breaches(Rule.Critical, value);
        bool warnHolds = Holds(Rule.Warn, value);
        bool criticalHolds = Holds(Rule.Critical, value);

        switch (_active)
        {
            case null:
                _warnPendingSince = warnBreach ? _warnPendingSince ?? at : null;
                _criticalPendingSince = criticalBreach ? _criticalPendingSince ?? at : null;
                if (Sustained(_criticalPendingSince, at))
                {
                    _active = Severity.Critical;
                }
                else if (Sustained(_warnPendingSince, at))
                {
                    _active = Severity.Warning;
                }

                break;

            case Severity.Warning:
                if (!warnHolds)
                {
                    ClearCondition();
                    break;
                }

                _criticalPendingSince = criticalBreach ? _criticalPendingSince ?? at : null;
                if (Sustained(_criticalPendingSince, at))
                {
                    _active = Severity.Critical;
                }

                break;

            case Severity.Critical:
                if (!criticalHolds && !warnHolds)
                {
                    ClearCondition();
                }
                else if (!criticalHolds)
                {
                    // After a replacement added a warn level to a critical-only rule, the warning's breach is
                    // the critical one: it began when the critical breach did.
                    _warnPendingSince ??= _criticalPendingSince;
                    _active = Severity.Warning;
                    _criticalPendingSince = null;
                }

                break;
        }
    }

    /// <summary>Turns a change of the condition into events, applying cooldown.</summary>
    private IReadOnlyList<ThresholdEvent> Announce(double value, DateTimeOffset at, ResolveReason reason, ThresholdRule openedUnder)
    {
        if (_open is Severity open)
        {
            if (_active is not Severity now)
            {
                _open = null;
                return [new Resolved(Rule.Id, Rule.Metric, open, value, openedUnder.LevelOf(open) ?? double.NaN, at, _firingSince, reason)];
            }

            if (now > open)
            {
                _open = now;
                RecordFiring(now, at);
                return [new Escalated(Rule.Id, Rule.Metric, open, now, value, Level(now), at, _firingSince)];
            }

            if (now < open)
            {
                _open = now;
                return [new Deescalated(Rule.Id, Rule.Metric, open, now, value, Level(now), at, _firingSince)];
            }

            return NoEvents;
        }

        if (_active is not Severity active)
        {
            _quietSeverity = null;
            _quietMax = null;
            return NoEvents;
        }

        bool escalation = _quietMax is Severity quietMax && active > quietMax;
        DateTimeOffset? cooldownUntil = CooldownUntil(active);
        if (escalation || cooldownUntil is null || at >= cooldownUntil)
        {
            if (!Breaches(Rule.LevelOf(active), value))
            {
                // Held only by hysteresis: an alert opens on a sample beyond its level, never on one inside it.
                return NoEvents;
            }

            _open = active;
            _firingSince = at;
            _quietSeverity = null;
            _quietMax = null;
            RecordFiring(active, at);
            return [new Fired(Rule.Id, Rule.Metric, active, value, Level(active), at, PendingSince(active, at))];
        }

        if (_quietSeverity == active)
        {
            return NoEvents;
        }

        _quietSeverity = active;
        _quietMax = _quietMax is Severity m && m > active ? m : active;
        SuppressedCount++;
        return [new Suppressed(Rule.Id, Rule.Metric, active, value, Level(active), at, PendingSince(active, at), cooldownUntil.Value)];
    }

    private bool Breaches(double? level, double value) => level is double l &&
        (Rule.Direction == ThresholdDirection.Above ? value >= l : value <= l);

    private bool Holds(double? level, double value) => level is double l &&
        (Rule.Direction == ThresholdDirection.Above ? value >= l - Rule.Hysteresis : value <= l + Rule.Hysteresis);

    private bool Sustained(DateTimeOffset? since, DateTimeOffset at) => since is DateTimeOffset s && at - s >= Rule.For;

    private double Level(Severity severity) => Rule.LevelOf(severity) ?? double.NaN;

    private DateTimeOffset PendingSince(Severity severity, DateTimeOffset at) =>
        (severity == Severity.Critical ? _criticalPendingSince : _warnPendingSince) ?? at;

    private DateTimeOffset? CooldownUntil(Severity severity)
    {
        DateTimeOffset? last = severity == Severity.Critical ? _lastCriticalFiring : _lastWarningFiring;
        return last is DateTimeOffset l && Rule.Cooldown > TimeSpan.Zero ? l + Rule.Cooldown : null;
    }

    private void RecordFiring(Severity severity, DateTimeOffset at)
    {
        if (severity == Severity.Critical)
        {
            _lastCriticalFiring = at;
        }
        else
        {
            _lastWarningFiring = at;
        }
    }

    private void ClearCondition()
    {
        _active = null;
        _warnPendingSince = null;
        _criticalPendingSince = null;
    }

    private void ForgetAll()
    {
        ClearCondition();
        _open = null;
        _quietSeverity = null;
        _quietMax = null;
        _lastWarningFiring = null;
        _lastCriticalFiring = null;
        _lastValue = null;
    }

    private DateTimeOffset Admit(DateTimeOffset at)
    {
        if (_lastAt is DateTimeOffset last && at < last)
        {
            OutOfOrderSamples++;
            return last;
        }

        _lastAt = at;
        return at;
    }

    private static void ThrowIfInvalid(ThresholdRule rule, string paramName)
    {
        IReadOnlyList<string> errors = rule.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException($"invalid threshold rule '{ThresholdRule.Printable(rule.Id)}': {string.Join("; ", errors)}", paramName);
        }
    }
}

/// <summary>Where an evaluator stands.</summary>
public enum ThresholdPhase
{
    /// <summary>No breach.</summary>
    Inactive = 1,

    /// <summary>Breaching, sustain time not yet complete.</summary>
    Pending = 2,

    /// <summary>An alert is open (operators were told).</summary>
    Firing = 3,

    /// <summary>The breach completed its sustain time but was held back by cooldown.</summary>
    Suppressed = 4,
}

/// <summary>
/// A read-only view of an evaluator. <see cref="CriticalPendingSince"/> may be set while
/// <see cref="Phase"/> is Firing at Warning (a pending escalation).
/// </summary>
public sealed record ThresholdSnapshot(
    string RuleId,
    ThresholdPhase Phase,
    Severity? Severity,
    DateTimeOffset? FiringSince,
    DateTimeOffset? WarnPendingSince,
    DateTimeOffset? CriticalPendingSince,
    double? LastValue);
