using Akka.Actor;
using Microsoft.Extensions.Logging;
using SecureMonitor.ActorSystems;
using SecureMonitor.Analysis.Correlation;
using SecureMonitor.Notifications;
using SecureMonitor.Storage;

namespace SecureMonitor.Monitor.Incidents;

/// <summary>
/// Stores each incident change the correlator finds (under the term's fence) and only then tells
/// administrators, once per change. While more changes are queued behind the current one, an
/// incident's growth is gathered into one change, stored and told at most <see cref="MaxGrowthDelay"/>
/// later: in a storm from thousands of hosts that is one store write and one notification per burst
/// instead of one per new host. What it keeps of stored incidents (their versions, their last change
/// for Alertmanager's refresh) is read from the store before it takes any message, so a restart loses
/// nothing.
/// </summary>
public sealed partial class IncidentsActor : ReceiveActor, IWithUnboundedStash
{
    /// <summary>Longest a growth of the incident waits to be stored and told while changes keep coming.</summary>
    public static readonly TimeSpan MaxGrowthDelay = TimeSpan.FromSeconds(1);

    private readonly IMonitorStore _store;
    private readonly WriteFence _fence;
    private readonly NotificationDispatcher _notifier;
    private readonly string _monitorNode;
    private readonly ILogger _log;
    private readonly Dictionary<string, long> _versions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (IncidentChange Change, DateTimeOffset At)> _lastChanges = new(StringComparer.Ordinal);
    private DateTimeOffset _lastRefresh = DateTimeOffset.MinValue;
    private IncidentGrew? _pendingGrowth;
    private DateTimeOffset _pendingSince;
    private bool _flushQueued;

    public IncidentsActor(IMonitorStore store, WriteFence fence, NotificationDispatcher notifier, string monitorNode)
    {
        _store = store;
        _fence = fence;
        _notifier = notifier;
        _monitorNode = monitorNode;
        _log = Context.Logger();
        Restoring();
    }

    public IStash Stash { get; set; } = null!;

    private sealed record Restored(IReadOnlyList<IncidentRecord> Open);

    /// <summary>Sent to itself behind the queued messages, so a gathered growth goes out once they are handled.</summary>
    private sealed record FlushGrowth
    {
        public static readonly FlushGrowth Instance = new();
    }

    private DateTimeOffset Now => Context.System.Scheduler.Now;

    protected override void PreStart() => ReadOpenAsync().PipeTo(Self);

    private async Task<Restored> ReadOpenAsync() => new(await _store.ListIncidentsAsync(openOnly: true));

    private void Restoring()
    {
        Receive<Restored>(restored =>
        {
            foreach (var record in restored.Open)
            {
                _versions[record.Id] = record.Version;
            }
            Become(Storing);
            Stash.UnstashAll();
        });
        Receive<Status.Failure>(failure => throw new IncidentRestoreException(failure.Cause));
        ReceiveAny(_ => Stash.Stash());
    }

    private void Storing()
    {
        ReceiveAsync<PublishChanges>(async publish =>
        {
            var replyTo = publish.ReplyTo;
            await PublishAsync(publish.Changes);
            if (replyTo is not null)
            {
                // An operator's change is told at once, with the version it was stored under.
                await FlushGrowthAsync();
                var incident = publish.Changes[^1].Incident;
                replyTo.Tell(new OperatorChangeOutcome(IncidentMapping.ToRecord(incident, _versions.GetValueOrDefault(incident.Id))));
            }
            await AfterMessageAsync();
        });
        ReceiveAsync<RefreshActive>(async refresh =>
        {
            RefreshOpen(refresh.Incident, refresh.Now);
            await AfterMessageAsync();
        });
        ReceiveAsync<FlushGrowth>(async _ =>
        {
            _flushQueued = false;
            await AfterMessageAsync();
        });
    }

    /// <summary>A gathered growth goes out when nothing more is queued, or once it is
    /// <see cref="MaxGrowthDelay"/> old; otherwise a reminder queues up behind what is waiting.</summary>
    private async Task AfterMessageAsync()
    {
        if (_pendingGrowth is null)
        {
            return;
        }
        if (!Context.HasQueuedMessages() || Now - _pendingSince >= MaxGrowthDelay)
        {
            await FlushGrowthAsync();
        }
        else if (!_flushQueued)
        {
            _flushQueued = true;
            Self.Tell(FlushGrowth.Instance);
        }
    }

    /// <summary>Stores and tells each change in order; growth is gathered (see the class remarks), and a
    /// gathered growth always goes out before the change that follows it.</summary>
    private async Task PublishAsync(IReadOnlyList<IncidentEvent> changes)
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

    private async Task GatherAsync(IncidentGrew grew)
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

    private async Task FlushGrowthAsync()
    {
        if (_pendingGrowth is { } pending)
        {
            _pendingGrowth = null;
            await StoreAndTellAsync(pending);
        }
    }

    private async Task StoreAndTellAsync(IncidentEvent change)
    {
        var incident = change.Incident;
        var version = await _store.UpsertIncidentAsync(IncidentMapping.ToRecord(incident, _versions.GetValueOrDefault(incident.Id)), _fence);
        _versions[incident.Id] = version;
        if (change is IncidentResolved)
        {
            _lastChanges.Remove(incident.Id);
        }
        else
        {
            _lastChanges[incident.Id] = (IncidentMapping.ChangeOf(change), change.At);
        }
        LogIncident(_log, incident.Id, change.GetType().Name, incident.State.ToString(), incident.Hosts.Count, string.Join(",", incident.Metrics));
        _notifier.Publish(IncidentMapping.ToNotification(change, _monitorNode, version));
    }

    /// <summary>Alertmanager forgets alerts that are not re-sent; keep the open incident alive there.</summary>
    private void RefreshOpen(Incident active, DateTimeOffset now)
    {
        if (_notifier.RefreshInterval is not { } interval || now - _lastRefresh < interval)
        {
            return;
        }
        _lastRefresh = now;
        var (change, at) = _lastChanges.GetValueOrDefault(active.Id, (IncidentChange.Opened, active.OpenedAt));
        _notifier.Refresh(IncidentMapping.ToNotification(active, change, at, _monitorNode, _versions.GetValueOrDefault(active.Id)));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Incident {Incident} {Change}: state {State}, {Hosts} host(s), metrics {Metrics}")]
    private static partial void LogIncident(ILogger log, string incident, string change, string state, int hosts, string metrics);
}
