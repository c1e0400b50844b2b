using Microsoft.Extensions.Logging;
using SecureMonitor.Actors;
using SecureMonitor.Analysis.Correlation;
using SecureMonitor.Notifications;
using SecureMonitor.Storage;

namespace SecureMonitor.Monitor.Incidents;

/// <summary>
/// The DoS correlator's home: every alert the hosts observe goes through it; each incident change
/// is persisted (under the leader's fence) and only then told to administrators, once per change.
/// A periodic tick resolves incidents after their quiet period and keeps Alertmanager's view of
/// open incidents fresh. While alerts keep arriving (more messages queued), the incident's growth is
/// gathered into one change, stored and told at most <see cref="MaxGrowthDelay"/> later: in a storm from
/// thousands of hosts that is one store write and one notification instead of one per new host, and
/// the correlator keeps up with the stored alerts. Its state is rebuilt from the store before its first message, so a new
/// leader and a restarted actor alike continue the open incident instead of duplicating it.
/// </summary>
public sealed partial class IncidentsActor(CorrelationOptions options, IMonitorStore store, WriteFence fence, NotificationDispatcher notifier,
    string monitorNode) : Actor
{
    private readonly DosCorrelator _correlator = new(options);
    private readonly Dictionary<string, long> _versions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (IncidentChange Change, DateTimeOffset At)> _lastChanges = new(StringComparer.Ordinal);
    private DateTimeOffset _lastRefresh = DateTimeOffset.MinValue;
    private bool _restored;
    private IncidentGrew? _pendingGrowth;
    private DateTimeOffset _pendingSince;
    private bool _flushQueued;

    /// <summary>Longest a growth of the incident waits to be stored and told while alerts keep coming.</summary>
    public static readonly TimeSpan MaxGrowthDelay = TimeSpan.FromSeconds(1);

    private sealed record Tick
    {
        public static readonly Tick Instance = new();
    }

    /// <summary>Sent to itself behind the queued messages, so a gathered growth goes out once they are handled.</summary>
    private sealed record FlushGrowth
    {
        public static readonly FlushGrowth Instance = new();
    }

    /// <summary>Asks for the active incident (null when quiet).</summary>
    public sealed record GetActiveIncident
    {
        public static readonly GetActiveIncident Instance = new();
    }

    /// <summary>An operator acknowledges the active incident; answered with <see cref="OperatorChangeOutcome"/>.</summary>
    public sealed record Acknowledge(string IncidentId, string By, string Note);

    /// <summary>An operator resolves the active incident; answered with <see cref="OperatorChangeOutcome"/>.</summary>
    public sealed record Resolve(string IncidentId, string By, string Note);

    protected override void PreStart() => Context.Timers.StartPeriodic("tick", Tick.Instance, TimeSpan.FromSeconds(1));

    protected override async ValueTask ReceiveAsync(object message)
    {
        // Restoring reads the store and may write (stale incidents resolved): the async handler's first message.
        if (!_restored)
        {
            await RestoreAsync();
            _restored = true;
        }
        switch (message)
        {
            case ObservedAlert alert:
                await PublishAsync(_correlator.Observe(alert));
                break;
            case ObservedAlerts alerts:
                foreach (var alert in alerts.Alerts)
                {
                    await PublishAsync(_correlator.Observe(alert));
                }
                break;
            case Tick:
                var now = Context.System.TimeProvider.GetUtcNow();
                await PublishAsync(_correlator.Tick(now));
                RefreshOpen(now);
                break;
            case GetActiveIncident:
                Sender.Tell(new ActiveIncident(_correlator.ActiveIncident));
                break;
            case Acknowledge acknowledge:
                await OperatorChangeAsync(now => _correlator.Acknowledge(acknowledge.IncidentId, acknowledge.By, acknowledge.Note, now));
                break;
            case Resolve resolve:
                await OperatorChangeAsync(now => _correlator.Resolve(resolve.IncidentId, resolve.By, resolve.Note, now));
                break;
            case FlushGrowth:
                _flushQueued = false;
                break;
            default:
                Unhandled(message);
                break;
        }
        if (_pendingGrowth is null)
        {
            return;
        }
        if (!Context.HasQueuedMessages || Now - _pendingSince >= MaxGrowthDelay)
        {
            await FlushGrowthAsync();
        }
        else if (!_flushQueued)
        {
            _flushQueued = true;
            Context.Self.Tell(FlushGrowth.Instance);
        }
    }

    private DateTimeOffset Now => Context.System.TimeProvider.GetUtcNow();

    private async ValueTask RestoreAsync()
    {
        var now = Context.System.TimeProvider.GetUtcNow();
        var open = await store.ListIncidentsAsync(openOnly: true);
        var window = await store.ListAlertsAsync(new AlertQuery { Since = now - options.Window, Limit = AlertQuery.MaxLimit });
        foreach (var record in open)
        {
            _versions[record.Id] = record.Version;
        }
        await PublishAsync(_correlator.Restore([.. open.Select(IncidentRestore.ToIncident)],
            [.. window.Select(IncidentRestore.ToObserved).OrderBy(alert => alert.At)]));
    }

    /// <summary>Applies an operator's change to the active incident (after letting a quiet one resolve,
    /// so nobody acknowledges what has already ended) and answers with the incident as stored.</summary>
    private async ValueTask OperatorChangeAsync(Func<DateTimeOffset, IncidentEvent?> change)
    {
        var now = Context.System.TimeProvider.GetUtcNow();
        await PublishAsync(_correlator.Tick(now));
        if (change(now) is not { } happened)
        {
            Sender.Tell(new OperatorChangeOutcome(null));
            return;
        }
        await PublishAsync([happened]);
        Sender.Tell(new OperatorChangeOutcome(IncidentMapping.ToRecord(happened.Incident, _versions.GetValueOrDefault(happened.Incident.Id))));
    }

    /// <summary>Stores and tells each change in order; growth is gathered (see the class remarks), and a
    /// gathered growth always goes out before the change that follows it.</summary>
    private async ValueTask PublishAsync(IReadOnlyList<IncidentEvent> changes)
    {
        foreach (var change in changes)
        {
            if (change is IncidentGrew grew)
            {
                await GatherAsync(grew);
                continue;
            }
            await FlushGrowthAsync();
            await StoreAndTellAsync(change);
        }
    }

    private async ValueTask GatherAsync(IncidentGrew grew)
    {
        if (_pendingGrowth is { } other && !string.Equals(other.Incident.Id, grew.Incident.Id, StringComparison.Ordinal))
        {
            await FlushGrowthAsync();
        }
        if (_pendingGrowth is not { } pending)
        {
            _pendingGrowth = grew;
            _pendingSince = Now;
            return;
        }
        _pendingGrowth = new IncidentGrew(grew.Incident,
            [.. pending.NewHosts.Union(grew.NewHosts, StringComparer.Ordinal)],
            [.. pending.NewMetrics.Union(grew.NewMetrics, StringComparer.Ordinal)],
            pending.NewReasons | grew.NewReasons, grew.At);
    }

    private async ValueTask FlushGrowthAsync()
    {
        if (_pendingGrowth is { } pending)
        {
            _pendingGrowth = null;
            await StoreAndTellAsync(pending);
        }
    }

    private async ValueTask StoreAndTellAsync(IncidentEvent change)
    {
        var incident = change.Incident;
        var version = await store.UpsertIncidentAsync(IncidentMapping.ToRecord(incident, _versions.GetValueOrDefault(incident.Id)), fence);
        _versions[incident.Id] = version;
        if (change is IncidentResolved)
        {
            _lastChanges.Remove(incident.Id);
        }
        else
        {
            _lastChanges[incident.Id] = (IncidentMapping.ChangeOf(change), change.At);
        }
        LogIncident(Context.Log, incident.Id, change.GetType().Name, incident.State.ToString(), incident.Hosts.Count, string.Join(",", incident.Metrics));
        notifier.Publish(IncidentMapping.ToNotification(change, monitorNode, version));
    }

    /// <summary>Alertmanager forgets alerts that are not re-sent; keep the open incident alive there.</summary>
    private void RefreshOpen(DateTimeOffset now)
    {
        if (_correlator.ActiveIncident is not { } active || notifier.RefreshInterval is not { } interval || now - _lastRefresh < interval)
        {
            return;
        }
        _lastRefresh = now;
        var (change, at) = _lastChanges.GetValueOrDefault(active.Id, (IncidentChange.Opened, active.OpenedAt));
        notifier.Refresh(IncidentMapping.ToNotification(active, change, at, monitorNode, _versions.GetValueOrDefault(active.Id)));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Incident {Incident} {Change}: state {State}, {Hosts} host(s), metrics {Metrics}")]
    private static partial void LogIncident(ILogger log, string incident, string change, string state, int hosts, string metrics);
}

/// <summary>Several alerts of one host from one group commit, in order: one message instead of one each.</summary>
public sealed record ObservedAlerts(IReadOnlyList<ObservedAlert> Alerts);

/// <summary>The correlator's open incident, if any.</summary>
public sealed record ActiveIncident(Incident? Incident);

/// <summary>The incident after an operator's change, as stored; null when it was not the active
/// incident in a state the change applies to (nothing changed).</summary>
public sealed record OperatorChangeOutcome(IncidentRecord? Incident);
