using SecureMonitor.Analysis.Thresholds;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Watcher.Spool;
using WireSeverity = SecureMonitor.Protocol.Wire.Severity;

namespace SecureMonitor.Watcher.Thresholds;

/// <summary>Turns threshold events into the wire's alert messages.</summary>
public static class AlertMessages
{
    /// <summary>The message to deliver for an event, or null for events the monitor need not see
    /// (a breach held back by cooldown is only counted locally).</summary>
    public static (SpoolRecordKind Kind, WatcherMessage Message)? For(ThresholdEvent thresholdEvent) => thresholdEvent switch
    {
        Fired fired => (SpoolRecordKind.Alert, Alert(fired, fired.Severity, AlertState.Firing, fired.Value, fired.Level,
            $"{fired.Metric} = {fired.Value:0.##} breached {fired.Severity.ToString().ToLowerInvariant()} level {fired.Level:0.##} since {fired.PendingSince:O}")),
        Escalated escalated => (SpoolRecordKind.Alert, Alert(escalated, escalated.To, AlertState.Firing, escalated.Value, escalated.Level,
            $"{escalated.Metric} = {escalated.Value:0.##} escalated to critical (level {escalated.Level:0.##})")),
        Deescalated deescalated => (SpoolRecordKind.Alert, Alert(deescalated, deescalated.To, AlertState.Firing, deescalated.Value, deescalated.Level,
            $"{deescalated.Metric} = {deescalated.Value:0.##} back to warning (level {deescalated.Level:0.##})")),
        Resolved resolved => (SpoolRecordKind.Resolution, Alert(resolved, resolved.LastSeverity, AlertState.Resolved, resolved.Value, resolved.Level,
            resolved.Reason == ResolveReason.RuleReplaced
                ? $"{resolved.Metric}: rule replaced, alert closed after {resolved.FiringDuration}"
                : $"{resolved.Metric} = {resolved.Value:0.##} recovered after {resolved.FiringDuration}")),
        _ => null,
    };

    private static WatcherMessage Alert(ThresholdEvent source, Analysis.Thresholds.Severity severity, AlertState state, double value, double level,
        string summary) => new()
    {
        Alert = new Alert
        {
            RuleId = source.RuleId,
            Metric = source.Metric,
            Severity = severity == Analysis.Thresholds.Severity.Critical ? WireSeverity.Critical : WireSeverity.Warning,
            State = state,
            Value = value,
            Threshold = level,
            RaisedUnixMs = source.At.ToUnixTimeMilliseconds(),
            Summary = summary,
        },
    };
}
