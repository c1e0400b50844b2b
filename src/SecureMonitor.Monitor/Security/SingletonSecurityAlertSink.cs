using Akka.Actor;
using SecureMonitor.Analysis.Correlation;
using SecureMonitor.Protocol;
using SecureMonitor.Storage;

namespace SecureMonitor.Monitor.Security;

/// <summary>
/// Turns "tampering suspected" into a stored security alert: metric <see cref="CorrelationOptions.TamperingMetric"/>,
/// critical, about the host (or peer) whose messages failed, told to the monitor singleton (through the
/// singleton proxy, so a follower's alerts arrive too), which stores it under the lease's fence and
/// correlates it as an attack signal.
/// </summary>
/// <param name="singleton">The singleton proxy (read at each alert: the node makes it after this sink).</param>
/// <param name="threshold">The tamper threshold, recorded with the alert.</param>
public sealed class SingletonSecurityAlertSink(Func<IActorRef> singleton, int threshold) : ISecurityAlertSink
{
    /// <summary>Rule id of the tampering alert (alerts the monitor raises have no watcher rule).</summary>
    public const string TamperingRule = "monitor.tamper-threshold";

    public void TamperingSuspected(TamperingSuspected alert) => singleton().Tell(RaiseAlert.From(ToRaised(alert, threshold)));

    public static RaisedAlert ToRaised(TamperingSuspected alert, int threshold) => new(alert.HostId, alert.At, new AlertDetails(
        TamperingRule, CorrelationOptions.TamperingMetric, AlertSeverity.Critical, AlertState.Firing, alert.Failures, threshold,
        $"tampering suspected: {alert.Failures} integrity failures or replays within {alert.Window.TotalSeconds:0.###} s ("
        + string.Join(", ", alert.Reasons.OrderBy(reason => reason.Key).Select(reason => $"{reason.Key.ToMetricName()}={reason.Value}")) + ")"));
}
