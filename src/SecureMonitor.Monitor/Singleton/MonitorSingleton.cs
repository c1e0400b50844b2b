using Akka.Actor;
using Microsoft.Extensions.Logging;
using SecureMonitor.ActorSystems;
using SecureMonitor.Monitor.Admin.Feed;
using SecureMonitor.Monitor.Hosts;
using SecureMonitor.Monitor.Incidents;
using SecureMonitor.Monitor.Persistence;
using SecureMonitor.Monitor.Security;
using SecureMonitor.Monitor.Sessions;
using SecureMonitor.Monitor.Thresholds;
using SecureMonitor.Notifications;
using SecureMonitor.Storage;

namespace SecureMonitor.Monitor.Singleton;

/// <summary>What one term's singleton is built from. <see cref="Started"/> and <see cref="Stopped"/> tell
/// the node, so it serves watchers exactly while the singleton runs here.</summary>
public sealed record MonitorSingletonSettings(
    MonitorOptions Options,
    IMonitorStore Store,
    WriteFence Fence,
    NotificationDispatcher Notifier,
    WatcherSessions Watchers,
    AdminFeed Feed)
{
    public Action<SingletonParts>? Started { get; init; }

    /// <summary>This node's admin command handler, for commands followers forward to the singleton.</summary>
    public Func<Admin.AdminCommandHandler>? AdminHandler { get; init; }

    public Action? Stopped { get; init; }
}

/// <summary>
/// The one active part of the monitor cluster, alive while its node holds the lease (one term, one
/// fence): the parent of every actor that owns cluster-wide state. Each child reads what it needs from
/// the store when it starts, so a restarted child, or the next term on any node, carries on.
/// <code>
/// MonitorSingleton
///   ├─ hosts         HostsActor ─► host-{id} HostActor (liveness), per host
///   ├─ correlator    DosCorrelatorActor ─► incidents IncidentsActor (store, then notify)
///   ├─ raised-alerts RaisedAlertsActor (the monitor's own alerts: store, then correlate and feed)
///   ├─ thresholds    ThresholdsActor (settings, pushes, acknowledgements)
///   ├─ retention     RetentionActor (hourly pruning)
///   ├─ admin-feed    AdminFeedActor (live feed of the consoles)
///   └─ admin         AdminForwardActor (commands followers forward)
/// </code>
/// </summary>
public sealed partial class MonitorSingleton : ReceiveActor
{
    private readonly ILogger _log;
    private readonly MonitorSingletonSettings _settings;
    private readonly SingletonParts _parts;

    public MonitorSingleton(MonitorSingletonSettings settings)
    {
        _log = Context.Logger();
        _settings = settings;
        var options = settings.Options;
        var correlator = Context.ActorOf(Props.Create(() =>
            new DosCorrelatorActor(options.Correlation, settings.Store, settings.Fence, settings.Notifier, options.NodeId)), "correlator");
        var feed = Context.ActorOf(Props.Create(() => new AdminFeedActor(settings.Feed)), "admin-feed");
        var raisedAlerts = Context.ActorOf(Props.Create(() =>
            new RaisedAlertsActor(settings.Store, settings.Fence, correlator, feed)), "raised-alerts");
        var hosts = Context.ActorOf(Props.Create(() =>
            new HostsActor(settings.Store, options.Liveness, correlator, TimeSpan.FromSeconds(1), raisedAlerts)), "hosts");
        var thresholds = Context.ActorOf(Props.Create(() =>
            new ThresholdsActor(settings.Store, settings.Fence, settings.Watchers, options.ThresholdBaseline)), "thresholds");
        Context.ActorOf(Props.Create(() => new RetentionActor(settings.Store, settings.Fence, options.AlertRetention)), "retention");
        var admin = settings.AdminHandler is { } handler
            ? Context.ActorOf(Props.Create(() => new Admin.Forwarding.AdminForwardActor(handler, options.NodeId)), "admin")
            : ActorRefs.Nobody;
        _parts = new SingletonParts(hosts, correlator, thresholds, feed);

        Receive<GetSingletonParts>(_ => Sender.Tell(_parts));
        // Alerts the monitor raises itself (tampering suspected), from any node's sessions.
        Receive<RaiseAlert>(raise => raisedAlerts.Forward(raise));
        // Followers reach the singleton through the proxy; admin commands go on to its admin child.
        Receive<Admin.Forwarding.ForwardedAdminCommand>(forwarded => admin.Forward(forwarded));
    }

    protected override void PreStart()
    {
        LogStarted(_log, _settings.Options.NodeId, _settings.Fence.Epoch);
        _settings.Started?.Invoke(_parts);
    }

    protected override void PostStop()
    {
        _settings.Stopped?.Invoke();
        LogStopped(_log, _settings.Fence.Epoch);
    }

    /// <summary>
    /// Written here, for every child: a failure is restarted (each child reloads its state from the
    /// store), at most 10 times a minute, after which the child is stopped and the term goes on without
    /// it, logged by Akka. A stale fence is different: another node holds the lease and every write of
    /// this term will be refused, so it escalates: the singleton fails, and its manager starts it again
    /// only under a lease that is still held (with the current epoch).
    /// </summary>
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(maxNrOfRetries: 10, withinTimeRange: TimeSpan.FromMinutes(1), localOnlyDecider: error =>
        {
            if (error is StaleFenceException)
            {
                return Directive.Escalate;
            }
            LogChildFailed(_log, error.GetType().Name, error.Message);
            return Directive.Restart;
        });

    [LoggerMessage(Level = LogLevel.Information, Message = "Monitor singleton started on {Node} under lease epoch {Epoch}")]
    private static partial void LogStarted(ILogger log, string node, long epoch);

    [LoggerMessage(Level = LogLevel.Information, Message = "Monitor singleton of epoch {Epoch} stopped")]
    private static partial void LogStopped(ILogger log, long epoch);

    [LoggerMessage(Level = LogLevel.Error, Message = "A part of the monitor singleton failed and restarts from the store: {Error}: {Detail}")]
    private static partial void LogChildFailed(ILogger log, string error, string detail);
}
