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
/// open incidents fresh.
/// </summary>
public sealed partial class IncidentsActor(CorrelationOptions options, IMonitorStore store, WriteFence fence, NotificationDispatcher notifier,
    string monitorNode, IReadOnlyList<Incident> restoredOpen, IReadOnlyList<ObservedAlert> restoredWindow) : Actor
{
    private readonly DosCorrelator _correlator = new(options);
    private readonly Dictionary<string, long> _versions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (IncidentChange Change, DateTimeOffset At)> _lastChanges = new(StringComparer.Ordinal);
    private DateTimeOffset _lastRefresh = DateTimeOffset.MinValue;
    private bool _restored;

    private sealed record Tick
    {
        public static readonly Tick Instance = new();
    }

    /// <summary>Asks for the active incident (null when quiet).</summary>
    public sealed record GetActiveIncident
    {
        public static readonly GetActiveIncident Instance = new();
    }

    protected override void PreStart() => Context.Timers.StartPeriodic("tick", Tick.Instance, TimeSpan.FromSeconds(1));

    protected override async ValueTask ReceiveAsync(object message)
    {
        // Restoring may write (stale incidents resolved), which needs the async handler: first message.
        if (!_restored)
        {
            _restored = true;
            await PublishAsync(_correlator.Restore(restoredOpen, restoredWindow));
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
            default:
                Unhandled(message);
                break;
        }
    }

    private async ValueTask PublishAsync(IReadOnlyList<IncidentEvent> changes)
    {
        foreach (var change in changes)
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
