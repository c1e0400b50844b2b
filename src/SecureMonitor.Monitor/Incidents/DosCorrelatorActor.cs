using Akka.Actor;
using SecureMonitor.Analysis.Correlation;
using SecureMonitor.Notifications;
using SecureMonitor.Storage;

namespace SecureMonitor.Monitor.Incidents;

/// <summary>
/// The DoS correlator: every alert the hosts observe goes through it (pure logic in
/// <see cref="DosCorrelator"/>); the incident changes it finds go to its child, the
/// <see cref="IncidentsActor"/>, which stores and tells them. A periodic tick resolves incidents
/// after their quiet period. Its state is rebuilt from the store before it takes any message
/// (messages wait, stashed), so a new term and a restarted actor alike continue the open incident
/// instead of duplicating it.
/// </summary>
public sealed class DosCorrelatorActor : ReceiveActor, IWithTimers, IWithUnboundedStash
{
    private readonly CorrelationOptions _options;
    private readonly IMonitorStore _store;
    private readonly DosCorrelator _correlator;
    private readonly IActorRef _incidents;

    public DosCorrelatorActor(CorrelationOptions options, IMonitorStore store, WriteFence fence, NotificationDispatcher notifier, string monitorNode)
    {
        _options = options;
        _store = store;
        _correlator = new DosCorrelator(options);
        _incidents = Context.ActorOf(Props.Create(() => new IncidentsActor(store, fence, notifier, monitorNode)), "incidents");
        Restoring();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public IStash Stash { get; set; } = null!;

    private sealed record Restored(IReadOnlyList<IncidentRecord> Open, IReadOnlyList<AlertRecord> Window);

    private sealed record Tick
    {
        public static readonly Tick Instance = new();
    }

    /// <summary>The incidents actor is restarted on any failure (a store error): it reloads what it needs
    /// from the store. A stale fence means another node leads: that ends this term, so it escalates.</summary>
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(maxNrOfRetries: 10, withinTimeRange: TimeSpan.FromMinutes(1),
            localOnlyDecider: error => error is StaleFenceException ? Directive.Escalate : Directive.Restart);

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer("tick", Tick.Instance, TimeSpan.FromSeconds(1));
        RestoreAsync().PipeTo(Self);
    }

    private async Task<Restored> RestoreAsync()
    {
        var now = Context.System.Scheduler.Now;
        var open = await _store.ListIncidentsAsync(openOnly: true);
        var window = await _store.ListAlertsAsync(new AlertQuery { Since = now - _options.Window, Limit = AlertQuery.MaxLimit });
        return new Restored(open, window);
    }

    private void Restoring()
    {
        Receive<Restored>(restored =>
        {
            Publish(_correlator.Restore([.. restored.Open.Select(IncidentRestore.ToIncident)],
                [.. restored.Window.Select(IncidentRestore.ToObserved).OrderBy(alert => alert.At)]));
            Become(Correlating);
            Stash.UnstashAll();
        });
        // A store that cannot be read fails the actor; its parent restarts it, and it reads again.
        Receive<Status.Failure>(failure => throw new IncidentRestoreException(failure.Cause));
        Receive<Tick>(_ => { }); // nothing to tick before the state is back
        ReceiveAny(_ => Stash.Stash());
    }

    private void Correlating()
    {
        Receive<ObservedAlert>(alert => Publish(_correlator.Observe(alert)));
        Receive<ObservedAlerts>(observed =>
        {
            foreach (var alert in observed.Alerts)
            {
                Publish(_correlator.Observe(alert));
            }
            observed.AckTo?.Tell(observed.Ack ?? observed);
        });
        Receive<Tick>(_ =>
        {
            var now = Context.System.Scheduler.Now;
            Publish(_correlator.Tick(now));
            if (_correlator.ActiveIncident is { } active)
            {
                _incidents.Tell(new RefreshActive(active, now));
            }
        });
        Receive<GetActiveIncident>(_ => Sender.Tell(new ActiveIncident(_correlator.ActiveIncident)));
        Receive<AcknowledgeIncident>(change => OperatorChange(now => _correlator.Acknowledge(change.IncidentId, change.By, change.Note, now)));
        Receive<ResolveIncident>(change => OperatorChange(now => _correlator.Resolve(change.IncidentId, change.By, change.Note, now)));
    }

    /// <summary>Applies an operator's change to the active incident (after letting a quiet one resolve, so
    /// nobody acknowledges what has already ended); the incidents actor answers with the incident as stored.</summary>
    private void OperatorChange(Func<DateTimeOffset, IncidentEvent?> change)
    {
        var now = Context.System.Scheduler.Now;
        var changes = _correlator.Tick(now).ToList();
        if (change(now) is not { } happened)
        {
            Publish(changes);
            Sender.Tell(new OperatorChangeOutcome(null));
            return;
        }
        changes.Add(happened);
        _incidents.Tell(new PublishChanges(changes, Sender));
    }

    private void Publish(IReadOnlyList<IncidentEvent> changes)
    {
        if (changes.Count > 0)
        {
            _incidents.Tell(new PublishChanges(changes));
        }
    }
}

/// <summary>The correlator could not read its state from the store; it is restarted and reads again.</summary>
public sealed class IncidentRestoreException(Exception inner) : Exception("could not restore the correlator's state from the store", inner);
