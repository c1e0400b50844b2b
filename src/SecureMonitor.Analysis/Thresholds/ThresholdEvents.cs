namespace SecureMonitor.Analysis.Thresholds;

/// <summary>
/// Something an operator should hear about, produced by <see cref="ThresholdEvaluator"/>.
/// Events of one evaluator come out in time order (<see cref="At"/> never decreases).
/// </summary>
public abstract record ThresholdEvent(string RuleId, string Metric, DateTimeOffset At);

/// <summary>
/// The alert opened at <paramref name="Severity"/>: the value breached <paramref name="Level"/>
/// continuously from <paramref name="PendingSince"/> for at least the rule's <c>For</c>.
/// </summary>
public sealed record Fired(
    string RuleId,
    string Metric,
    Severity Severity,
    double Value,
    double Level,
    DateTimeOffset At,
    DateTimeOffset PendingSince)
    : ThresholdEvent(RuleId, Metric, At);

/// <summary>An open alert went from <paramref name="From"/> to the more severe <paramref name="To"/>.</summary>
public sealed record Escalated(
    string RuleId,
    string Metric,
    Severity From,
    Severity To,
    double Value,
    double Level,
    DateTimeOffset At,
    DateTimeOffset FiringSince)
    : ThresholdEvent(RuleId, Metric, At);

/// <summary>
/// An open alert went from <paramref name="From"/> down to <paramref name="To"/>: the value cleared the
/// higher level by the hysteresis but still holds the lower one.
/// </summary>
public sealed record Deescalated(
    string RuleId,
    string Metric,
    Severity From,
    Severity To,
    double Value,
    double Level,
    DateTimeOffset At,
    DateTimeOffset FiringSince)
    : ThresholdEvent(RuleId, Metric, At);

/// <summary>
/// The open alert closed. <paramref name="LastSeverity"/> is the severity it had when it closed,
/// <paramref name="Level"/> that severity's level, <paramref name="Value"/> the sample that cleared it
/// (or, for <see cref="ResolveReason.RuleReplaced"/>, the last sample seen).
/// </summary>
public sealed record Resolved(
    string RuleId,
    string Metric,
    Severity LastSeverity,
    double Value,
    double Level,
    DateTimeOffset At,
    DateTimeOffset FiringSince,
    ResolveReason Reason)
    : ThresholdEvent(RuleId, Metric, At)
{
    /// <summary>How long the alert was open.</summary>
    public TimeSpan FiringDuration => At - FiringSince;
}

/// <summary>
/// A breach completed its sustain time but would have fired within the cooldown of the previous firing
/// at <paramref name="Severity"/>, so no alert opened. Emitted once per quiet breach and severity, for
/// counting and logging only: it opens nothing and needs no resolution. If the breach still holds at
/// <paramref name="CooldownUntil"/> or later, the next sample beyond the level fires it.
/// </summary>
public sealed record Suppressed(
    string RuleId,
    string Metric,
    Severity Severity,
    double Value,
    double Level,
    DateTimeOffset At,
    DateTimeOffset PendingSince,
    DateTimeOffset CooldownUntil)
    : ThresholdEvent(RuleId, Metric, At);
