using System.Net;
using Microsoft.Extensions.Logging;
using SecureMonitor.Actors;
using SecureMonitor.Monitor.Admin;
using SecureMonitor.Monitor.Hosts;
using SecureMonitor.Monitor.Incidents;
using SecureMonitor.Monitor.Persistence;
using SecureMonitor.Monitor.Security;
using SecureMonitor.Monitor.Sessions;
using SecureMonitor.Monitor.Verification;
using SecureMonitor.Notifications;
using SecureMonitor.Pki;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Storage;
using SecureMonitor.Storage.Sqlite;
using SecureMonitor.Transport.Listening;

namespace SecureMonitor.Monitor.Node;

/// <summary>
/// One running monitor node: loads its identity and the key ring from the PKI directory, opens the
/// store and takes the leader lease, restores hosts and the open incident, starts the host and
/// incident actors and the notifier, and only then serves watchers and admin consoles. The CLI, the
/// tests and the simulator start a node the same way.
/// </summary>
public sealed partial class MonitorNode : IAsyncDisposable
{
    private readonly List<Func<ValueTask>> _stops = [];
    private readonly ILogger _log;

    private MonitorNode(ILogger log) => _log = log;

    public IPEndPoint Endpoint { get; private set; } = null!;

    public RejectionCounters Rejections { get; private set; } = null!;

    /// <summary>Watchers connected now; push messages (threshold rules) to them here.</summary>
    public WatcherSessions Watchers { get; private set; } = null!;

    public IMonitorStore Store { get; private set; } = null!;

    /// <summary>The epoch this node writes under.</summary>
    public WriteFence Fence { get; private set; }

    /// <summary>The host actors' parent: ask it <see cref="GetHostStates"/>.</summary>
    public IActorRef Hosts { get; private set; } = null!;

    /// <summary>The correlator: ask it <see cref="IncidentsActor.GetActiveIncident"/>.</summary>
    public IActorRef Incidents { get; private set; } = null!;

    public NotificationDispatcher Notifier { get; private set; } = null!;

    public int OpenConnections => _listener?.OpenConnections ?? 0;

    private SecureListener? _listener;

    /// <exception cref="PkiException">The PKI directory is unusable.</exception>
    /// <exception cref="MonitorStartException">The store or the lease cannot be had.</exception>
    public static async Task<MonitorNode> StartAsync(MonitorOptions options, ILoggerFactory loggers, TimeProvider time,
        MonitorNodeHooks? hooks = null, CancellationToken cancellationToken = default)
    {
        hooks ??= new MonitorNodeHooks();
        var node = new MonitorNode(loggers.CreateLogger<MonitorNode>());
        try
        {
            await node.StartPartsAsync(options, loggers, time, hooks, cancellationToken);
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    private async Task StartPartsAsync(MonitorOptions options, ILoggerFactory loggers, TimeProvider time, MonitorNodeHooks hooks,
        CancellationToken cancellationToken)
    {
        var paths = new PkiPaths(options.PkiDirectory);
        var identity = MonitorIdentity.Load(paths);
        OnStop(() => { identity.Dispose(); return ValueTask.CompletedTask; });
        var keyring = FileKeyring.Open(paths, time);
        var keys = new KeyringEnvelopeKeys(keyring, time);
        OnStop(() => { keys.Dispose(); return ValueTask.CompletedTask; });

        var store = new SqliteMonitorStore(new SqliteMonitorStoreOptions { DataDirectory = options.DataDirectory });
        Store = store;
        OnStop(store.DisposeAsync);
        await store.MigrateAsync(cancellationToken);
        var lease = await store.TryAcquireLeaseAsync(options.NodeId, options.Listen.ToString(), options.LeaseDuration, time.GetUtcNow(), cancellationToken)
            ?? throw new MonitorStartException($"another monitor node holds the leader lease in {options.DataDirectory}");
        Fence = new WriteFence(lease.Epoch);
        OnStop(async () => await store.ReleaseLeaseAsync(options.NodeId, lease.Epoch));
        StartLeaseRenewal(store, options, lease.Epoch, time);

        var http = NotificationEndpoint.CreateHttpClient();
        OnStop(() => { http.Dispose(); return ValueTask.CompletedTask; });
        Notifier = new NotificationDispatcher([.. options.Notifications.CreateChannels(http, loggers), .. hooks.ExtraChannels],
            options.Notifications.DispatcherOptions(), time, loggers.CreateLogger<NotificationDispatcher>());
        OnStop(Notifier.DisposeAsync);

        var now = time.GetUtcNow();
        var knownHosts = await store.ListHostsAsync(cancellationToken);
        var openIncidents = await store.ListIncidentsAsync(openOnly: true, cancellationToken);
        var window = await store.ListAlertsAsync(new AlertQuery { Since = now - options.Correlation.Window, Limit = AlertQuery.MaxLimit }, cancellationToken);

        var system = new ActorSystem("monitor", time, loggers);
        OnStop(system.DisposeAsync);
        Incidents = system.ActorOf(Props.Create(() => new IncidentsActor(options.Correlation, store, Fence, Notifier, options.NodeId,
            [.. openIncidents.Select(IncidentRestore.ToIncident)], [.. window.Select(IncidentRestore.ToObserved).OrderBy(alert => alert.At)])), "incidents");
        Hosts = system.ActorOf(Props.Create(() => new HostsActor([.. knownHosts.Select(host => host.HostId)], options.Liveness, Incidents,
            TimeSpan.FromSeconds(1))), "hosts");
        system.ActorOf(Props.Create(() => new RetentionActor(store, Fence, options.AlertRetention)), "retention");

        var sink = new PersistentMessageSink(store, Fence, Hosts, hooks.OnStored, time);
        OnStop(sink.DisposeAsync);

        var securityAlerts = hooks.SecurityAlerts ?? new LoggingSecurityAlertSink(loggers.CreateLogger<LoggingSecurityAlertSink>());
        var tamper = new TamperDetector(options.TamperThreshold, options.TamperWindow, time, securityAlerts);
        Rejections = new RejectionCounters(tamper, time, loggers.CreateLogger<RejectionCounters>());
        var verifier = new EnvelopeVerifier(keys, sink, Rejections, options.MaxFrameBytes);
        var info = new MonitorNodeInfo(options.NodeId, options.Listen.ToString(), typeof(MonitorNode).Assembly.GetName().Version?.ToString(3) ?? "?", now);
        var admin = new AdminCommandHandler([new StatusCommand(info, Rejections, time)]);
        Watchers = new WatcherSessions();
        var rateLimiter = new HostRateLimiter(options.HostMessagesPerSecond, time);
        var handler = new MonitorSessionHandler(verifier, admin, Rejections, Watchers, keys, rateLimiter, time);
        _listener = new SecureListener(new SecureListenerOptions
        {
            Endpoint = options.Listen,
            ServerCertificate = identity.Certificate,
            ClientValidator = new ClientCertificateValidator(identity.CaCertificate, keyring),
            HandshakeTimeout = options.HandshakeTimeout,
            MaxConnections = options.MaxConnections,
            FrameLimits = new FrameLimits(options.MaxFrameBytes),
            Time = time,
        }, handler, Rejections, loggers.CreateLogger<SecureListener>());
        // Stops run in reverse: the listener goes first, so no session writes into a closed store.
        var listener = _listener;
        OnStop(listener.DisposeAsync);
        listener.Start();
        Endpoint = listener.LocalEndpoint;
        LogStarted(_log, options.NodeId, Endpoint, identity.Identity.Name, lease.Epoch, knownHosts.Count, openIncidents.Count, options.Notifications.ToString());
    }

    /// <summary>Renews the lease well within its duration. A single node keeps it; losing it (the
    /// store refused the renewal) is reported loudly: the cluster issue adds stepping down.</summary>
    private void StartLeaseRenewal(IMonitorStore store, MonitorOptions options, long epoch, TimeProvider time)
    {
        var timer = time.CreateTimer(_ =>
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    if (!await store.RenewLeaseAsync(options.NodeId, epoch, options.LeaseDuration, time.GetUtcNow()))
                    {
                        LogLeaseLost(_log, epoch);
                    }
                }
                catch (Exception error) when (error is not OutOfMemoryException)
                {
                    LogLeaseRenewFailed(_log, error.Message);
                }
            });
        }, null, options.RenewInterval, options.RenewInterval);
        OnStop(timer.DisposeAsync);
    }

    private void OnStop(Func<ValueTask> stop) => _stops.Add(stop);

    public async ValueTask DisposeAsync()
    {
        for (var index = _stops.Count - 1; index >= 0; index--)
        {
            try
            {
                await _stops[index]();
            }
            catch (Exception error) when (error is not OutOfMemoryException)
            {
                LogStopFailed(_log, error.Message);
            }
        }
        _stops.Clear();
        LogStopped(_log);
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Monitor node {Node} serving on {Endpoint} (certificate {Certificate}; leader, epoch {Epoch}; restored {Hosts} host(s), {Incidents} open incident(s); notify {Notify})")]
    private static partial void LogStarted(ILogger log, string node, IPEndPoint endpoint, string certificate, long epoch, int hosts, int incidents, string notify);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Leader lease epoch {Epoch} was lost: another node may have taken over")]
    private static partial void LogLeaseLost(ILogger log, long epoch);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not renew the leader lease: {Error}")]
    private static partial void LogLeaseRenewFailed(ILogger log, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A part of the node failed to stop cleanly: {Error}")]
    private static partial void LogStopFailed(ILogger log, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Monitor node stopped")]
    private static partial void LogStopped(ILogger log);
}

/// <summary>The node cannot start; the message is fit for an operator.</summary>
public sealed class MonitorStartException(string message) : Exception(message);
