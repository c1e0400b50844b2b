using SecureMonitor.Storage;

namespace SecureMonitor.Monitor.Security;

/// <summary>
/// An alert the monitor raises itself (tampering suspected, a watcher's spool dropping messages), on its
/// way to the singleton's <see cref="RaisedAlertsActor"/>: from any node, through the singleton proxy.
/// Plain values only: it crosses Akka.Remote through the allow-list serializer.
/// </summary>
public sealed record RaiseAlert(string Subject, string RuleId, string Metric, int Severity, double Value, double Threshold, string Summary,
    long AtUtcTicks)
{
    public static RaiseAlert From(RaisedAlert alert) => new(alert.Subject, alert.Alert.RuleId, alert.Alert.Metric, (int)alert.Alert.Severity,
        alert.Alert.Value, alert.Alert.Threshold, alert.Alert.Summary, alert.At.UtcTicks);

    /// <summary>The alert as the store takes it (always firing: the monitor raises, nothing resolves it).</summary>
    public RaisedAlert ToRaised() => new(Subject, new DateTimeOffset(AtUtcTicks, TimeSpan.Zero),
        new AlertDetails(RuleId, Metric, Enum.IsDefined((AlertSeverity)Severity) ? (AlertSeverity)Severity : AlertSeverity.Critical,
            AlertState.Firing, Value, Threshold, Summary));
}

/// <summary>A raised alert is stored: for the consoles' live feed.</summary>
public sealed record RaisedAlertStored(RaisedAlert Alert);
