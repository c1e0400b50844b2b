using System.Net;
using Microsoft.Extensions.Logging;
using Akka.Actor;
using Akka.Cluster.Tools.Singleton;
using SecureMonitor.Monitor.Cluster.Lease;
using SecureMonitor.Monitor.Cluster.Remoting;
using SecureMonitor.Monitor.Singleton;
using SecureMonitor.ActorSystems;
using SecureMonitor.Monitor.Admin.Feed;
using SecureMonitor.Monitor.Admin;
using SecureMonitor.Monitor.Admin.Forwarding;
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
public sealed partial class MonitorNode : IAsyncDisposable, ISessionRouting
{
    /// <summary>Longest a node with no seeds waits, at start, for its own singleton to begin a term.</summary>
    private static readonly TimeSpan FirstTermTimeout = TimeSpan.FromSeconds(30);

    private readonly List<Func<ValueTask>> _stops = [];
    private readonly ILogger _log;
    private readonly Lock _termGate = new();
    private volatile bool _stopping;
    private readonly TaskCompletionSource _firstTerm = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private LeaderTermParts _termParts = null!;
    private AdminContext? _adminContext;
    private volatile LeaderTerm? _term;
    private CancellationTokenSource? _termEnding;
    // Term changes (the singleton started, stopped, a failed writer replaced) run one after another, in order.
    private Task _termChanges = Task.CompletedTask;

    private MonitorNode(ILogger log) => _log = log;

    public IPEndPoint Endpoint { get; private set; } = null!;

    public RejectionCounters Rejections { get; private set; } = null!;

    public IMonitorStore Store { get; private set; } = null!;

    /// <summary>This node's view of the cluster: where the singleton runs, the members.</summary>
    public AkkaClusterState Cluster { get; private set; } = null!;

    /// <summary>This node's cluster endpoint (Akka.Remote), as bound.</summary>
    public Akka.Actor.Address ClusterAddress { get; private set; } = null!;

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

    /// <summary>Every authenticated session on this node, by certificate (watchers, admins, viewers).</summary>
    public LiveSessions Sessions { get; private set; } = null!;

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
        var keyring = FileKeyring.Open(paths, time, options.KeyringCheckInterval);
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

        // Tampering is logged, and stored and correlated by the singleton, wherever it runs.
        ISecurityAlertSink[] securityAlerts =
        [
            new LoggingSecurityAlertSink(loggers.CreateLogger<LoggingSecurityAlertSink>()),
            new SingletonSecurityAlertSink(() => SingletonProxy, options.TamperThreshold),
            .. hooks.SecurityAlerts is { } observer ? [observer] : Array.Empty<ISecurityAlertSink>(),
        ];
        var tamper = new TamperDetector(options.TamperThreshold, options.TamperWindow, time, new SecurityAlertSinks(securityAlerts));
        Rejections = new RejectionCounters(tamper, time, loggers.CreateLogger<RejectionCounters>());
        // Registered after the store and before the listener: stopped after the listener, before the store.
        var countsSaver = await RejectionCountsSaver.StartAsync(Rejections, store, options.RejectionCountsSaveInterval, time,
            loggers.CreateLogger<RejectionCountsSaver>(), cancellationToken);
        OnStop(countsSaver.DisposeAsync);

        var feed = new AdminFeed();
        _termParts = new LeaderTermParts(options, store, Notifier, keys, Rejections, hooks.OnStored, time, OnStoreFailed);

        var startedAt = time.GetUtcNow();
        var rateLimiter = new HostRateLimiter(options.HostMessagesPerSecond, time);
        Sessions = new LiveSessions(options.MaxSessionsPerOperatorCertificate, keyring, loggers.CreateLogger<LiveSessions>());
        var revocations = new RevocationEnforcer(keyring, Sessions, options.KeyringCheckInterval, time, loggers.CreateLogger<RevocationEnforcer>());
        OnStop(() => { revocations.Dispose(); return ValueTask.CompletedTask; });
        var handler = new MonitorSessionHandler(this, Rejections, keys, rateLimiter, Sessions, time);
        _listener = new SecureListener(new SecureListenerOptions
        {
            Endpoint = options.Listen,
            ServerCertificate = identity.Certificate,
            ClientValidator = new ClientCertificateValidator(identity.CaCertificate, keyring),
            HandshakeTimeout = options.HandshakeTimeout,
            IdleTimeout = options.IdleTimeout,
            MaxConnections = options.MaxConnections,
            DescriptorReserve = options.DescriptorReserve,
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
        StartCluster(options, identity, store, time, loggers, feed, advertised);
        var info = new MonitorNodeInfo(options.NodeId, advertised, typeof(MonitorNode).Assembly.GetName().Version?.ToString(3) ?? "?", startedAt);
        // Tests may show the admin commands another view of the cluster (a follower's).
        _adminContext = AdminContext.Create(hooks.ClusterState ?? Cluster, options, store, keyring, info, Rejections, feed, time, loggers);
        _adminContext.Forwarder = hooks.ClusterState is null ? new AdminForwarder(SingletonProxy) : null;
        Admin = _adminContext.CreateHandler();
        if (_term is { } early)
        {
            AttachLeader(early);
        }

        if (options.SeedNodes.Count == 0)
        {
            // A cluster of one: the node is normally leading when this returns.
            await Akka.Cluster.Cluster.Get(System).JoinAsync(ClusterAddress, cancellationToken);
            try
            {
                await _firstTerm.Task.WaitAsync(FirstTermTimeout, cancellationToken);
            }
            catch (TimeoutException)
            {
                LogNoTermYet(_log, FirstTermTimeout.TotalSeconds);
            }
        }
        else
        {
            Akka.Cluster.Cluster.Get(System).JoinSeedNodes(options.SeedNodes.Select(seed => MonitorClusterConfig.SeedAddress(seed, ClusterAddress.Protocol)));
        }
        LogStarted(_log, options.NodeId, Endpoint, ClusterAddress.ToString(), identity.Identity.Name,
            _term is { } term ? $"singleton here, epoch {term.Epoch}" : $"singleton on {Cluster.LeaderNodeId ?? "(not yet known)"}",
            options.Notifications.ToString());
    }

    /// <summary>
    /// Starts the node's ActorSystem as a member of the monitor cluster (role monitor, TLS between nodes)
    /// and the singleton's manager and proxy. The manager starts <see cref="MonitorSingleton"/> here when
    /// this is the oldest node and the store's lease is ours; the singleton's start and stop begin and end
    /// this node's terms.
    /// </summary>
    private void StartCluster(MonitorOptions options, MonitorIdentity identity, IMonitorStore store, TimeProvider time,
        ILoggerFactory loggers, AdminFeed feed, string advertised)
    {
        EnsureClusterPortFree(options);
        // Between monitor nodes: mutual TLS pinned to our CA, and only allow-listed types on the wire.
        MonitorClusterSerialization.Allow<ForwardedAdminCommand>();
        MonitorClusterSerialization.Allow<ForwardedAdminReply>();
        MonitorClusterSerialization.Allow<RaiseAlert>();
        var nodeConfig = MonitorClusterConfig.For(options, advertised)
            .WithFallback(RemotingTls.Config)
            .WithFallback(MonitorClusterSerialization.Config());
        var tls = RemotingTls.Setup(identity.Certificate, identity.CaCertificate, time: time);
        System = NodeActorSystem.Create(MonitorClusterConfig.SystemName, options.Configuration, loggers,
            nodeConfig,
            [AkkaConfig.Common, AkkaConfig.Cluster], tls);
        var system = System;
        // Leaving first hands the singleton over (SIGTERM: a graceful handover, not a failover).
        OnStop(async () =>
        {
            _stopping = true;
            await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance);
            await _termChanges;
        });
        ClusterAddress = Akka.Cluster.Cluster.Get(system).SelfAddress;
        // The lease judges expiry on real time (the store's clock where it has one), whatever clock a test
        // gives the rest of the node; its owner is this incarnation, so a restarted node waits for its old lease.
        StoreLeaseExtension.Register(system, new StoreLeaseOptions
        {
            Store = store,
            Endpoint = advertised,
            Incarnation = Akka.Cluster.Cluster.Get(system).SelfUniqueAddress.Uid,
        });
        Cluster = new AkkaClusterState(system, options.NodeId, advertised, () => _term?.Epoch);

        var manager = ClusterSingletonManagerSettings.Create(system).WithRole(MonitorClusterRoles.Monitor);
        var singleton = new MonitorSingletonProducer(() =>
        {
            var lease = StoreLeaseExtension.Get(system).Current
                ?? throw new InvalidOperationException("the monitor singleton was started without the store's lease");
            var watchers = new WatcherSessions();
            return new MonitorSingletonSettings(options, store, lease.Fence, Notifier, watchers, feed)
            {
                Started = parts => OnSingletonStarted(lease.Epoch, parts, watchers),
                Stopped = () => OnSingletonStopped(lease.Epoch),
                AdminHandler = () => Admin,
            };
        });
        system.ActorOf(ClusterSingletonManager.Props(Props.CreateBy(singleton), PoisonPill.Instance, manager), "monitor");
        SingletonProxy = system.ActorOf(ClusterSingletonProxy.Props("/user/monitor",
            ClusterSingletonProxySettings.Create(system).WithRole(MonitorClusterRoles.Monitor)), "monitor-proxy");
    }

    /// <summary>
    /// Akka.Remote binds the cluster port with SO_REUSEPORT (DotNetty's tcp-reuse-addr, which .NET maps
    /// to both options on Linux), so a second node on the same port would start and share it silently.
    /// Binding it exclusively first refuses that with a clear error (a node started later is refused by
    /// this check against ours). Port 0 picks a free port and needs no check.
    /// </summary>
    /// <exception cref="Transport.Listening.PortInUseException">Another process listens on the port.</exception>
    private static void EnsureClusterPortFree(MonitorOptions options)
    {
        if (options.ClusterPort == 0)
        {
            return;
        }
        var address = IPAddress.TryParse(options.ClusterHostname, out var parsed) ? parsed
            : Dns.GetHostAddresses(options.ClusterHostname).OrderBy(candidate => candidate.AddressFamily == global::System.Net.Sockets.AddressFamily.InterNetwork ? 0 : 1)
                .FirstOrDefault();
        if (address is not null)
        {
            ExclusivePort.EnsureFree(new IPEndPoint(address, options.ClusterPort), "cluster endpoint");
        }
    }

    /// <summary>Reaches the monitor singleton wherever it runs (admin forwarding).</summary>
    public IActorRef SingletonProxy { get; private set; } = ActorRefs.Nobody;

    /// <summary>Admin commands, served on every node; until the node has joined the cluster, none.</summary>
    public AdminCommandHandler Admin { get; private set; } = new([]);

    string? ISessionRouting.LeaderNodeId => Cluster?.LeaderNodeId;

    IReadOnlyList<string> ISessionRouting.RedirectEndpoints => Cluster?.RedirectEndpoints ?? [];

    /// <summary>The singleton started here (on an actor thread): begin serving watchers once its state is restored.</summary>
    private void OnSingletonStarted(long epoch, SingletonParts parts, WatcherSessions watchers) =>
        ChangeTerm(async () =>
        {
            await BeginTermAsync(epoch, parts, watchers);
            _firstTerm.TrySetResult();
        });

    /// <summary>The singleton stopped here (handed over, lease lost, node leaving): stop serving watchers. A
    /// singleton stops on a node that stays the oldest only when its lease is gone (the store is out of
    /// reach) or it failed beyond its limits; Akka would keep the singleton on this node and no other node
    /// could take over, so this node leaves the cluster when another monitor is up (its process then exits
    /// for its supervisor to restart it, see <see cref="Left"/>), and otherwise waits for the lease.</summary>
    private void OnSingletonStopped(long epoch)
    {
        // Decided at once, not after the term has ended: ending it may wait on the very store that is out of
        // reach, and meanwhile, as the oldest, this node would keep the singleton from every other node. A
        // term still ending writes nothing once another node holds the lease (its epoch is stale).
        if (!_stopping && Cluster.SingletonMember is { } oldest && oldest.Address.Equals(ClusterAddress))
        {
            if (Cluster.HasOtherMonitor)
            {
                LogLeavingWithoutLease(_log, epoch);
                _ = Akka.Cluster.Cluster.Get(System).LeaveAsync();
            }
            else
            {
                // Alone, leaving would only end the process: stay, and Akka takes the lease again (under a new
                // epoch) once the store answers in time. A starved CPU that misses a renewal does this too.
                LogReacquiringAlone(_log, epoch);
                _ = LeaveOnceAnotherCanTakeOverAsync(epoch);
            }
        }
        ChangeTerm(() => EndTermAsync(epoch));
    }

    /// <summary>A node that stayed without its lease (it was alone) leaves as soon as another monitor is up,
    /// unless it took the lease again first: as the oldest it would otherwise keep the singleton from that
    /// node. Looks once a second on real time, like the lease.</summary>
    private async Task LeaveOnceAnotherCanTakeOverAsync(long epoch)
    {
        using var tick = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await tick.WaitForNextTickAsync() && !_stopping && !(_term?.Epoch > epoch) && !System.WhenTerminated.IsCompleted)
        {
            if (Cluster.HasOtherMonitor)
            {
                LogLeavingWithoutLease(_log, epoch);
                await Akka.Cluster.Cluster.Get(System).LeaveAsync();
                return;
            }
        }
    }

    /// <summary>Completes when this node is no longer a member of the cluster (it left, or was downed by the
    /// split-brain resolver) and its actors have stopped: the node cannot serve any more.</summary>
    public Task Left => System.WhenTerminated;

    /// <summary>A term's writer could not store a batch and stores nothing more: the term cannot go on (its
    /// watchers would only be refused), so it ends and a fresh writer starts a new one beside the same
    /// singleton. The watchers' connections close; they resend what was not acknowledged.</summary>
    private void OnStoreFailed(long epoch, Exception error)
    {
        LogStoreWriteFailed(_log, epoch, error.GetType().Name, error.Message);
        ChangeTerm(async () =>
        {
            if (_term is { Epoch: var current } failed && current == epoch)
            {
                await EndTermAsync(epoch);
                await BeginTermAsync(epoch, failed.Parts, new WatcherSessions());
            }
        });
    }

    private void ChangeTerm(Func<Task> change)
    {
        lock (_termGate)
        {
            _termChanges = _termChanges.ContinueWith(async _ =>
            {
                try
                {
                    await change();
                }
                catch (Exception error) when (error is not OutOfMemoryException)
                {
                    LogTermChangeFailed(_log, error.GetType().Name, error.Message);
                }
            }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
        }
    }

    private async Task BeginTermAsync(long epoch, SingletonParts parts, WatcherSessions watchers)
    {
        var ending = new CancellationTokenSource();
        var term = await LeaderTerm.StartAsync(epoch, ending.Token, parts, watchers, _termParts, CancellationToken.None);
        _termEnding = ending;
        AttachLeader(term);
        _term = term;
        LogTermBegun(_log, epoch, term.RestoredHosts, term.RestoredIncident?.Id ?? "none");
    }

    private void AttachLeader(LeaderTerm term)
    {
        term.Watchers.Ready += hostId => term.Parts.Thresholds.Tell(new Thresholds.ThresholdsActor.WatcherReady(hostId));
        _adminContext?.AttachLeader(new AdminLeaderServices(term.Fence, term.Hosts, term.Correlator, term.Parts.Thresholds, term.Watchers));
    }

    private async Task EndTermAsync(long epoch)
    {
        var term = _term;
        if (term is null || term.Epoch != epoch)
        {
            return;
        }
        _term = null;
        _adminContext?.DetachLeader();
        if (_termEnding is { } ending)
        {
            await ending.CancelAsync();
            ending.Dispose();
            _termEnding = null;
        }
        await term.DisposeAsync();
        LogTermEnded(_log, epoch);
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
        Message = "Monitor node {Node} serving watchers and consoles on {Endpoint}, cluster member {ClusterAddress} (role monitor; certificate {Certificate}; {Singleton}; notify {Notify})")]
    private static partial void LogStarted(ILogger log, string node, IPEndPoint endpoint, string clusterAddress, string certificate, string singleton, string notify);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No term began within {Seconds} s of start; the node serves as a follower until its singleton starts")]
    private static partial void LogNoTermYet(ILogger log, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Term {Epoch} ended: this node no longer serves watchers")]
    private static partial void LogTermEnded(ILogger log, long epoch);

    [LoggerMessage(Level = LogLevel.Critical,
        Message = "The monitor singleton of epoch {Epoch} stopped while this node is the oldest: its lease is lost (the store is out of reach). Leaving the cluster so another node takes over")]
    private static partial void LogLeavingWithoutLease(ILogger log, long epoch);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "The monitor singleton of epoch {Epoch} stopped: its lease is lost (the store is out of reach or answered too late). No other monitor node is up, so this node stays and takes the lease again when the store answers")]
    private static partial void LogReacquiringAlone(ILogger log, long epoch);

    [LoggerMessage(Level = LogLevel.Error, Message = "A change of term failed: {Error}: {Detail}")]
    private static partial void LogTermChangeFailed(ILogger log, string error, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Term {Epoch} restored {Hosts} host(s) and open incident {Incident} from the store")]
    private static partial void LogTermBegun(ILogger log, long epoch, int hosts, string incident);

    [LoggerMessage(Level = LogLevel.Critical,
        Message = "Term {Epoch} could not store verified messages ({Error}: {Detail}); nothing was acknowledged, starting a fresh writer")]
    private static partial void LogStoreWriteFailed(ILogger log, long epoch, string error, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A part of the node failed to stop cleanly: {Error}")]
    private static partial void LogStopFailed(ILogger log, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Monitor node stopped")]
    private static partial void LogStopped(ILogger log);
}

/// <summary>The node cannot start; the message is fit for an operator.</summary>
public sealed class MonitorStartException(string message) : Exception(message);
