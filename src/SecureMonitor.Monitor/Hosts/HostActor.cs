using Microsoft.Extensions.Logging;
using SecureMonitor.Actors;
using SecureMonitor.Analysis.Correlation;
using SecureMonitor.Analysis.Liveness;
using SecureMonitor.Monitor.Incidents;
using SecureMonitor.Monitor.Persistence;
using SecureMonitor.Protocol.Wire;

namespace SecureMonitor.Monitor.Hosts;

/// <summary>
/// One watched host: tracks its liveness with a phi-accrual failure detector over heartbeats
/// (Up, Unreachable, Down) and feeds its alerts to the correlator, stamped with the monitor's
/// receive time. A host going Down is itself an alert ("watcher silenced"): silencing the agent is
/// what an attacker would do first.
/// </summary>
public sealed partial class HostActor(string hostId, HostLivenessOptions liveness, IActorRef correlator, TimeSpan evaluateEvery) : Actor
{
    /// <summary>The metric of the alert the monitor raises itself when a watcher goes silent.</summary>
    public const string SilencedMetric = "watcher.silenced";

    private readonly HostLiveness _liveness = new(liveness);
    private DateTimeOffset? _lastHeartbeat;

    protected override void PreStart() => Context.Timers.StartPeriodic("liveness", EvaluateLiveness.Instance, evaluateEvery);

    protected override void Receive(object message)
    {
        switch (message)
        {
            case StoredEvent stored:
                if (OnStored(stored) is { } alert)
                {
                    correlator.Tell(alert, Self);
                }
                break;
            case StoredBatch batch:
                OnStored(batch);
                break;
            case HostSeen seen:
                Seen(seen.At);
                break;
            case EvaluateLiveness:
                Publish(_liveness.Evaluate(Context.System.TimeProvider.GetUtcNow()));
                break;
            case GetHostStates:
                Sender.Tell(new HostState(hostId, _liveness.State, _lastHeartbeat));
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>A batch of this host's stored messages: its alerts go to the correlator as one message.</summary>
    private void OnStored(StoredBatch batch)
    {
        List<ObservedAlert>? alerts = null;
        foreach (var stored in batch.Events)
        {
            if (OnStored(stored) is { } alert)
            {
                (alerts ??= []).Add(alert);
            }
        }
        if (alerts is not null)
        {
            correlator.Tell(alerts.Count == 1 ? alerts[0] : new ObservedAlerts(alerts), Self);
        }
    }

    /// <summary>Liveness from one stored message; the alert for the correlator, if it is one.</summary>
    private ObservedAlert? OnStored(StoredEvent stored)
    {
        // Any verified message proves the watcher is alive, not only heartbeats.
        Seen(stored.ReceivedAt);
        if (stored.Message.BodyCase != WatcherMessage.BodyOneofCase.Alert)
        {
            return null;
        }
        var alert = stored.Message.Alert;
        return new ObservedAlert(hostId, alert.RuleId, alert.Metric,
            alert.Severity == Severity.Critical ? AlertLevel.Critical : AlertLevel.Warning,
            alert.Value, alert.State == AlertState.Firing, stored.ReceivedAt);
    }

    private void Seen(DateTimeOffset at)
    {
        _lastHeartbeat = _lastHeartbeat is { } last && last > at ? last : at;
        Publish(_liveness.Heartbeat(at));
    }

    private void Publish(IReadOnlyList<LivenessChanged> changes)
    {
        foreach (var change in changes)
        {
            LogLiveness(Context.Log, hostId, change.From, change.To, change.Silence.TotalSeconds, change.Phi);
            if (change.To == HostLivenessState.Down || change.From == HostLivenessState.Down)
            {
                var silenced = change.To == HostLivenessState.Down;
                correlator.Tell(new ObservedAlert(hostId, SilencedMetric, SilencedMetric, AlertLevel.Critical,
                    change.Silence.TotalSeconds, silenced, change.At), Self);
            }
            Context.Parent.Tell(new HostLivenessChanged(hostId, change.From, change.To, change.At, change.Silence), Self);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Host {Host} liveness {From} -> {To} (silent {SilenceSeconds:0.#} s, phi {Phi:0.##})")]
    private static partial void LogLiveness(ILogger log, string host, HostLivenessState from, HostLivenessState to, double silenceSeconds, double phi);
}
