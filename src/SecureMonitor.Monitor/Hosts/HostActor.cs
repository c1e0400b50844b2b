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
    private readonly List<LivenessChanged> _changes = [];
    private DateTimeOffset? _lastHeartbeat;

    protected override void PreStart() => Context.Timers.StartPeriodic("liveness", EvaluateLiveness.Instance, evaluateEvery);

    /// <remarks>Alerts reach the correlator with <see cref="IActorRef.SendAsync"/>: when it is behind, this
    /// host waits (and so, in turn, the writer and the watchers) rather than drop an alert from correlation.</remarks>
    protected override async ValueTask ReceiveAsync(object message)
    {
        switch (message)
        {
            case StoredBatch batch:
                await OnStoredAsync(batch);
                break;
            case HostSeen seen:
                Seen(seen.At);
                await PublishAsync();
                break;
            case EvaluateLiveness:
                _changes.AddRange(_liveness.Evaluate(Context.System.TimeProvider.GetUtcNow()));
                await PublishAsync();
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
    private async ValueTask OnStoredAsync(StoredBatch batch)
    {
        List<ObservedAlert>? alerts = null;
        foreach (var stored in batch.Events)
        {
            if (OnStored(stored) is { } alert)
            {
                (alerts ??= []).Add(alert);
            }
        }
        await PublishAsync(); // a host back from Down is told before its alerts
        if (alerts is not null)
        {
            await correlator.SendAsync(alerts.Count == 1 ? alerts[0] : new ObservedAlerts(alerts), Self);
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
        _changes.AddRange(_liveness.Heartbeat(at));
    }

    /// <summary>Logs and tells the liveness changes seen while handling the current message; a host going
    /// Down or coming back is an alert for the correlator, and is not dropped either.</summary>
    private async ValueTask PublishAsync()
    {
        if (_changes.Count == 0)
        {
            return;
        }
        var changes = _changes.ToArray();
        _changes.Clear();
        foreach (var change in changes)
        {
            LogLiveness(Context.Log, hostId, change.From, change.To, change.Silence.TotalSeconds, change.Phi);
            if (change.To == HostLivenessState.Down || change.From == HostLivenessState.Down)
            {
                var silenced = change.To == HostLivenessState.Down;
                await correlator.SendAsync(new ObservedAlert(hostId, SilencedMetric, SilencedMetric, AlertLevel.Critical,
                    change.Silence.TotalSeconds, silenced, change.At), Self);
            }
            Context.Parent.Tell(new HostLivenessChanged(hostId, change.From, change.To, change.At, change.Silence), Self);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Host {Host} liveness {From} -> {To} (silent {SilenceSeconds:0.#} s, phi {Phi:0.##})")]
    private static partial void LogLiveness(ILogger log, string host, HostLivenessState from, HostLivenessState to, double silenceSeconds, double phi);
}
