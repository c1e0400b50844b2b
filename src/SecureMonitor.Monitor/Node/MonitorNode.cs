using System.Net;
using Microsoft.Extensions.Logging;
using Akka.Actor;
using Akka.Configuration;
using SecureMonitor.ActorSystems;
using SecureMonitor.Monitor.Admin.Feed;
using SecureMonitor.Monitor.Admin;
using SecureMonitor.Monitor.Cluster;
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
using SecureMonitor.Transport.Listening;

namespace SecureMonitor.Monitor.Node;

/// <summary>
/// One running monitor node: loads its identity and the key ring from the PKI directory, opens the
/// store, starts serving, and joins the leader election. While it holds the lease it runs a
/// <see cref="LeaderTerm"/> (restored from the store before it accepts traffic); as a follower it
/// answers watchers "not leader; try X" and serves admin reads from the store. The CLI, the tests and
/// the simulator start a node the same way.
/// </summary>
public sealed partial class MonitorNode : IAsyncDisposable, ILeadershipTerms, ISessionRouting
{
    private readonly List<Func<ValueTask>> _stops = [];
    private readonly ILogger _log;
    private LeaderTermParts _termParts = null!;
    private AdminContext? _adminContext;
    private volatile LeaderTerm? _term;

    private MonitorNode(ILogger log) => _log = log;

    public IPEndPoint Endpoint { get; private set; } = null!;

    public RejectionCounters Rejections { get; private set; } = null!;

    public IMonitorStore Store { get; private set; } = null!;

    /// <summary>Leader or follower, and who leads.</summary>
    public LeaderElection Cluster { get; private set; } = null!;

    /// <summary>The current term, or null while this node follows.</summary>
    public LeaderTerm? Term => _term;

    /// <summary>The current term; throws on a follower.</summary>
    public LeaderTerm Leader => _term ?? throw new InvalidOperationException($"monitor node {Cluster.NodeId} is not the leader");

    /// <summary>The epoch the current term writes under (leader only).</summary>
    public WriteFence Fence => Leader.Fence;

    /// <summary>Watchers connected to the current term (leader only); push messages to them here.</summary>
    public WatcherSessions Watchers => Leader.Watchers;

    /// <summary>The host actors' parent (leader only): ask it <see cref="GetHostStates"/>.</summary>
    public IActorRef Hosts => Leader.Hosts;

    /// <summary>The correlator (leader only): ask it <see cref="GetActiveIncident"/>.</summary>
    public IActorRef Correlator => Leader.Correlator;

    /// <summary>The node's actors: each term's <see cref="Singleton.MonitorSingleton"/> lives here.</summary>
    public ActorSystem System { get; private set; } = null!;

    public NotificationDispatcher Notifier { get; private set; } = null!;

    public int OpenConnections => _listener?.OpenConnections ?? 0;

    private SecureListener? _listener;

    /// <exception cref="PkiException">The PKI directory is unusable.</exception>
    /// <exception cref="MonitorStartException">The store cannot be had.</exception>
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
        var identity = MonitorIdentity.Load(paths, options.IdentityDirectory);
        OnStop(() => { identity.Dispose(); return ValueTask.CompletedTask; });
        var keyring = FileKeyring.Open(paths, time);
        var keys = new KeyringEnvelopeKeys(keyring, time);
        OnStop(() => { keys.Dispose(); return ValueTask.CompletedTask; });

        var configured = MonitorStoreFactory.Create(options);
        var store = hooks.WrapStore?.Invoke(configured) ?? configured;
        Store = store;
        OnStop(store.DisposeAsync);
        await store.MigrateAsync(cancellationToken);

        var http = NotificationEndpoint.CreateHttpClient();
        OnStop(() => { http.Dispose(); return ValueTask.CompletedTask; });
        Notifier = new NotificationDispatcher([.. options.Notifications.CreateChannels(http, loggers), .. hooks.ExtraChannels],
            options.Notifications.DispatcherOptions(), time, loggers.CreateLogger<NotificationDispatcher>());
        OnStop(Notifier.DisposeAsync);

        var securityAlerts = hooks.SecurityAlerts ?? new LoggingSecurityAlertSink(loggers.CreateLogger<LoggingSecurityAlertSink>());
        var tamper = new TamperDetector(options.TamperThreshold, options.TamperWindow, time, securityAlerts);
        Rejections = new RejectionCounters(tamper, time, loggers.CreateLogger<RejectionCounters>());

        // A failed top-level actor (the singleton, deposed by a stale fence) is stopped, never restarted
        // under a fence that is no longer good: the term ends and the node bids again.
        var structure = ConfigurationFactory.ParseString("akka.actor.guardian-supervisor-strategy = \"Akka.Actor.StoppingSupervisorStrategy\"");
        System = NodeActorSystem.Create("monitor", options.Configuration, loggers,
            hooks.ActorSystemConfig is { } testing ? testing.WithFallback(structure) : structure);
        var system = System;
        OnStop(async () => await system.Terminate());
        var feed = new AdminFeed();
        _termParts = new LeaderTermParts(options, store, Notifier, keys, Rejections, hooks.OnStored, time, system, feed, OnStoreFailed, OnSingletonStopped);

        var startedAt = time.GetUtcNow();
        var rateLimiter = new HostRateLimiter(options.HostMessagesPerSecond, time);
        var handler = new MonitorSessionHandler(this, Rejections, keys, rateLimiter, time);
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
        // Stops run in reverse: the election steps down first, then the listener closes, so no
        // session writes into a closed store.
        var listener = _listener;
        OnStop(listener.DisposeAsync);
        listener.Start();
        Endpoint = listener.LocalEndpoint;

        var advertised = options.Advertise is { } advertise && !advertise.EndsWith(":0", StringComparison.Ordinal) ? advertise : Endpoint.ToString();
        Cluster = new LeaderElection(store, new LeaderElectionOptions
        {
            NodeId = options.NodeId,
            Endpoint = advertised,
            LeaseDuration = options.LeaseDuration,
            RenewInterval = options.RenewInterval,
        }, this, time, loggers.CreateLogger<LeaderElection>());
        var info = new MonitorNodeInfo(options.NodeId, advertised, typeof(MonitorNode).Assembly.GetName().Version?.ToString(3) ?? "?", startedAt);
        // Tests may show the admin commands another view of the cluster (a follower's).
        _adminContext = AdminContext.Create(hooks.ClusterState ?? Cluster, options, store, keyring, info, Rejections, feed, time, loggers);
        Admin = _adminContext.CreateHandler();
        var election = Cluster;
        OnStop(election.DisposeAsync);
        await election.StartAsync(cancellationToken);
        LogStarted(_log, options.NodeId, Endpoint, identity.Identity.Name, election.IsLeader ? $"leader, epoch {election.Epoch}" :
            $"follower of {election.LeaderNodeId ?? "(no leader yet)"}", options.Notifications.ToString());
    }

    /// <summary>Admin commands, served on every node; until the node has joined the cluster, none.</summary>
    public AdminCommandHandler Admin { get; private set; } = new([]);

    string? ISessionRouting.LeaderNodeId => Cluster?.LeaderNodeId;

    IReadOnlyList<string> ISessionRouting.RedirectEndpoints => Cluster?.RedirectEndpoints ?? [];

    async Task ILeadershipTerms.BeginTermAsync(long epoch, CancellationToken termEnding, CancellationToken cancellationToken)
    {
        var term = await LeaderTerm.StartAsync(epoch, termEnding, _termParts, cancellationToken);
        _adminContext?.AttachLeader(new AdminLeaderServices(term.Fence, term.Hosts, term.Correlator, term.Parts.Thresholds, term.Watchers));
        _term = term;
        LogTermBegun(_log, epoch, term.RestoredHosts, term.RestoredIncident?.Id ?? "none");
    }

    async Task ILeadershipTerms.EndTermAsync(long epoch, string reason)
    {
        var term = _term;
        _term = null;
        _adminContext?.DetachLeader();
        if (term is not null)
        {
            await term.DisposeAsync();
        }
    }

    /// <summary>A term's writer could not store a batch and stores nothing more: the term cannot go on
    /// (its watchers would only be refused), so the node steps down, giving the lease back, and bids
    /// again with a fresh writer. The watchers resend what was not acknowledged.</summary>
    private void OnStoreFailed(long epoch, Exception error)
    {
        LogStoreWriteFailed(_log, epoch, error.GetType().Name, error.Message);
        _ = Task.Run(() => Cluster.StepDownAsync(epoch, $"the store failed a write ({error.GetType().Name})"));
    }

    /// <summary>The term's singleton stopped on its own (deposed, or failed beyond its limits): step down.</summary>
    private void OnSingletonStopped(long epoch)
    {
        LogSingletonStopped(_log, epoch);
        _ = Task.Run(() => Cluster.StepDownAsync(epoch, "the monitor singleton stopped"));
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
        Message = "Monitor node {Node} serving on {Endpoint} (certificate {Certificate}; {Role}; notify {Notify})")]
    private static partial void LogStarted(ILogger log, string node, IPEndPoint endpoint, string certificate, string role, string notify);

    [LoggerMessage(Level = LogLevel.Information, Message = "Term {Epoch} restored {Hosts} host(s) and open incident {Incident} from the store")]
    private static partial void LogTermBegun(ILogger log, long epoch, int hosts, string incident);

    [LoggerMessage(Level = LogLevel.Critical,
        Message = "Term {Epoch} could not store verified messages ({Error}: {Detail}); nothing was acknowledged, stepping down")]
    private static partial void LogStoreWriteFailed(ILogger log, long epoch, string error, string detail);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Term {Epoch}'s monitor singleton stopped (see the errors above); stepping down")]
    private static partial void LogSingletonStopped(ILogger log, long epoch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A part of the node failed to stop cleanly: {Error}")]
    private static partial void LogStopFailed(ILogger log, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Monitor node stopped")]
    private static partial void LogStopped(ILogger log);
}

/// <summary>The node cannot start; the message is fit for an operator.</summary>
public sealed class MonitorStartException(string message) : Exception(message);
