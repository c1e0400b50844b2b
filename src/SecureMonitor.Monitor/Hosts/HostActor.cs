using Akka.Actor;
using Microsoft.Extensions.Logging;
using SecureMonitor.ActorSystems;
using SecureMonitor.Analysis.Correlation;
using SecureMonitor.Analysis.Liveness;
using SecureMonitor.Monitor.Incidents;
using SecureMonitor.Monitor.Persistence;
using SecureMonitor.Monitor.Security;
using SecureMonitor.Protocol.Wire;

namespace SecureMonitor.Monitor.Hosts;

/// <summary>
/// One watched host: tracks its liveness with a phi-accrual failure detector over heartbeats
/// (Up, Unreachable, Down) and feeds its alerts to the correlator, stamped with the monitor's
/// receive time. A host going Down is itself an alert ("watcher silenced"): silencing the agent is
/// what an attacker would do first.
/// </summary>
public sealed partial class HostActor : ReceiveActor, IWithTimers
{
    /// <summary>The metric of the alert the monitor raises itself when a watcher goes silent.</summary>
    public const string SilencedMetric = "watcher.silenced";

    /// <summary>The metric of the alert the monitor raises (and stores) when a watcher's heartbeat says its full
    /// spool refused more messages: alerts it refused never reach the monitor.</summary>
    public const string SpoolDroppedMetric = "watcher.spool_dropped";

    /// <summary>Rule id of the spool-dropped alert (the monitor's, not a watcher rule).</summary>
    public const string SpoolDroppedRule = "monitor.spool-dropped";

    private readonly string _hostId;
    private readonly IActorRef _correlator;
    private readonly IActorRef _raisedAlerts;
    private readonly SpoolDropEpisodes _spoolDrops;
    private readonly TimeSpan _evaluateEvery;
    private readonly HostLiveness _liveness;
    private readonly List<LivenessChanged> _changes = [];
    private readonly ILogger _log;
    private DateTimeOffset? _lastHeartbeat;

    public HostActor(string hostId, HostLivenessOptions liveness, IActorRef correlator, TimeSpan evaluateEvery)
        : this(hostId, liveness, correlator, evaluateEvery, ActorRefs.Nobody, 0)
    {
    }

    /// <param name="raisedAlerts">Where the alerts the monitor raises about this host go to be stored (spool drops).</param>
    /// <param name="spoolDroppedReported">The drop count of the last spool alert stored about this host (0: none).</param>
    public HostActor(string hostId, HostLivenessOptions liveness, IActorRef correlator, TimeSpan evaluateEvery, IActorRef raisedAlerts,
        ulong spoolDroppedReported)
    {
        _hostId = hostId;
        _correlator = correlator;
        _raisedAlerts = raisedAlerts;
        _spoolDrops = new SpoolDropEpisodes(spoolDroppedReported);
        _evaluateEvery = evaluateEvery;
        _liveness = new HostLiveness(liveness);
        _log = Context.Logger();

        Receive<HostBatch>(OnBatch);
        Receive<HostSeen>(seen =>
        {
            Seen(seen.At);
            Publish();
        });
        Receive<EvaluateLiveness>(_ =>
        {
            _changes.AddRange(_liveness.Evaluate(Context.System.Scheduler.Now));
            Publish();
        });
        Receive<GetHostStates>(_ => Sender.Tell(new HostState(_hostId, _liveness.State, _lastHeartbeat)));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart() => Timers.StartPeriodicTimer("liveness", EvaluateLiveness.Instance, _evaluateEvery);

    /// <summary>The batch this host failed on is stored already: it is let go (so the writer is not held
    /// for it), and its alerts are missing from correlation, which the log says.</summary>
    protected override void PreRestart(Exception reason, object message)
    {
        if (message is HostBatch batch)
        {
            LogBatchLost(_log, batch.Events.Count, _hostId, reason.GetType().Name);
            Context.Parent.Tell(new HostBatchDone(batch.Id));
        }
        base.PreRestart(reason, message);
    }

    /// <summary>A batch of this host's stored messages: its alerts go to the correlator as one message, which
    /// answers the hosts actor once it has taken them (the flow control of stored alerts).</summary>
    private void OnBatch(HostBatch batch)
    {
        List<ObservedAlert>? alerts = null;
        foreach (var stored in batch.Events)
        {
            if (OnStored(stored) is { } alert)
            {
                (alerts ??= []).Add(alert);
            }
        }
        Publish(); // a host back from Down is told before its alerts
        var done = new HostBatchDone(batch.Id);
        if (alerts is null)
        {
            Context.Parent.Tell(done);
            return;
        }
        _correlator.Tell(new ObservedAlerts(alerts, Context.Parent, done), Self);
    }

    /// <summary>Liveness from one stored message; the alert for the correlator, if it is one.</summary>
    private ObservedAlert? OnStored(StoredEvent stored)
    {
        // Any verified message proves the watcher is alive, not only heartbeats.
        Seen(stored.ReceivedAt);
        if (stored.Message.BodyCase == WatcherMessage.BodyOneofCase.Heartbeat)
        {
            ObserveSpool(stored.Message.Heartbeat.SpoolDropped, stored.ReceivedAt);
        }
        if (stored.Message.BodyCase != WatcherMessage.BodyOneofCase.Alert)
        {
            return null;
        }
        var alert = stored.Message.Alert;
        return new ObservedAlert(_hostId, alert.RuleId, alert.Metric,
            alert.Severity == Severity.Critical ? AlertLevel.Critical : AlertLevel.Warning,
            alert.Value, alert.State == AlertState.Firing, stored.ReceivedAt);
    }

    /// <summary>A new episode of spool drops becomes a stored alert (once per episode, not per heartbeat).</summary>
    private void ObserveSpool(ulong dropped, DateTimeOffset at)
    {
        if (_spoolDrops.Observe(dropped) is not { } more)
        {
            return;
        }
        LogSpoolDropped(_log, _hostId, more, dropped);
        _raisedAlerts.Tell(RaiseAlert.From(new Storage.RaisedAlert(_hostId, at, new Storage.AlertDetails(SpoolDroppedRule, SpoolDroppedMetric,
            Storage.AlertSeverity.Warning, Storage.AlertState.Firing, dropped, 0,
            $"the watcher's spool is full: {more} more message(s) refused ({dropped} since the watcher started); alerts it refused are lost"))));
    }

    private void Seen(DateTimeOffset at)
    {
        _lastHeartbeat = _lastHeartbeat is { } last && last > at ? last : at;
        _changes.AddRange(_liveness.Heartbeat(at));
    }

    /// <summary>Logs and tells the liveness changes seen while handling the current message; a host going
    /// Down or coming back is an alert for the correlator (told, never dropped: mailboxes are unbounded,
    /// and there is one such alert per change of a host, not per message).</summary>
    private void Publish()
    {
        if (_changes.Count == 0)
        {
            return;
        }
        foreach (var change in _changes)
        {
            var level = change.To == HostLivenessState.Up ? LogLevel.Information : LogLevel.Warning;
            LogLiveness(_log, level, _hostId, change.From, change.To, change.Silence.TotalSeconds, change.Phi);
            if (change.To == HostLivenessState.Down || change.From == HostLivenessState.Down)
            {
                var silenced = change.To == HostLivenessState.Down;
                _correlator.Tell(new ObservedAlert(_hostId, SilencedMetric, SilencedMetric, AlertLevel.Critical,
                    change.Silence.TotalSeconds, silenced, change.At), Self);
            }
            Context.Parent.Tell(new HostLivenessChanged(_hostId, change.From, change.To, change.At, change.Silence), Self);
        }
        _changes.Clear();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watcher {Host} reports its full spool refused {More} more message(s) ({Total} since it started)")]
    private static partial void LogSpoolDropped(ILogger log, string host, ulong more, ulong total);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} stored message(s) of {Host} were not correlated: its actor failed ({Error}) and restarts")]
    private static partial void LogBatchLost(ILogger log, int count, string host, string error);

    [LoggerMessage(Message = "Host {Host} liveness {From} -> {To} (silent {SilenceSeconds:0.#} s, phi {Phi:0.##})")]
    private static partial void LogLiveness(ILogger log, LogLevel level, string host, HostLivenessState from, HostLivenessState to, double silenceSeconds, double phi);
}
