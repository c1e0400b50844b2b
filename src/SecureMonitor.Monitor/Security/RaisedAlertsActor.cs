using Akka.Actor;
using Microsoft.Extensions.Logging;
using SecureMonitor.ActorSystems;
using SecureMonitor.Analysis.Correlation;
using SecureMonitor.Storage;

namespace SecureMonitor.Monitor.Security;

/// <summary>
/// Stores the alerts the monitor raises itself, fenced with the term's epoch like every write, then
/// tells each to the correlator (tampering is an attack signal: it opens or joins an incident, which
/// notifies) and to the consoles' live feed. A store error is retried a few times; a stale fence means
/// another node leads, so it fails the actor (its parent escalates).
/// </summary>
public sealed partial class RaisedAlertsActor : ReceiveActor, IWithTimers
{
    /// <summary>Attempts to store one alert before it is given up (it stays in the node's log).</summary>
    private const int MaxAttempts = 3;

    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    private readonly IMonitorStore _store;
    private readonly WriteFence _fence;
    private readonly IActorRef _correlator;
    private readonly IActorRef _feed;
    private readonly ILogger _log;
    private long _retries;

    public RaisedAlertsActor(IMonitorStore store, WriteFence fence, IActorRef correlator, IActorRef feed)
    {
        _store = store;
        _fence = fence;
        _correlator = correlator;
        _feed = feed;
        _log = Context.Logger();

        Receive<RaiseAlert>(raise => Store(raise.ToRaised(), 1));
        Receive<Attempt>(attempt => Store(attempt.Alert, attempt.Number));
        Receive<Stored>(stored => OnStored(stored.Alert));
        Receive<Failed>(OnFailed);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private sealed record Attempt(RaisedAlert Alert, int Number);

    private sealed record Stored(RaisedAlert Alert);

    private sealed record Failed(RaisedAlert Alert, int Attempt, Exception Error);

    private void Store(RaisedAlert alert, int attempt) =>
        _store.AppendRaisedAlertAsync(alert, _fence).PipeTo(Self,
            success: () => new Stored(alert),
            failure: error => new Failed(alert, attempt, error is AggregateException { InnerException: { } inner } ? inner : error));

    private void OnStored(RaisedAlert alert)
    {
        var details = alert.Alert;
        LogStored(_log, details.Metric, alert.Subject, details.Summary);
        _correlator.Tell(new ObservedAlert(alert.Subject, details.RuleId, details.Metric,
            details.Severity == AlertSeverity.Critical ? AlertLevel.Critical : AlertLevel.Warning,
            details.Value, details.State == AlertState.Firing, alert.At));
        _feed.Tell(new RaisedAlertStored(alert));
    }

    private void OnFailed(Failed failed)
    {
        if (failed.Error is StaleFenceException stale)
        {
            throw stale;
        }
        if (failed.Attempt >= MaxAttempts)
        {
            LogLost(_log, failed.Alert.Alert.Metric, failed.Alert.Subject, failed.Attempt, failed.Error.GetType().Name, failed.Error.Message);
            return;
        }
        LogRetrying(_log, failed.Alert.Alert.Metric, failed.Alert.Subject, failed.Error.GetType().Name, failed.Error.Message);
        Timers.StartSingleTimer("retry-" + ++_retries, new Attempt(failed.Alert, failed.Attempt + 1), RetryAfter);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stored alert {Metric} about {Subject}: {Summary}")]
    private static partial void LogStored(ILogger log, string metric, string subject, string summary);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store alert {Metric} about {Subject} ({Error}: {Detail}); retrying")]
    private static partial void LogRetrying(ILogger log, string metric, string subject, string error, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Gave up storing alert {Metric} about {Subject} after {Attempts} attempts ({Error}: {Detail})")]
    private static partial void LogLost(ILogger log, string metric, string subject, int attempts, string error, string detail);
}
