using Microsoft.Extensions.Logging;
using Akka.Actor;
using SecureMonitor.Monitor.Admin.Commands;
using SecureMonitor.Monitor.Admin.Feed;
using SecureMonitor.Monitor.Cluster;
using SecureMonitor.Monitor.Persistence;
using SecureMonitor.Monitor.Security;
using SecureMonitor.Monitor.Sessions;
using SecureMonitor.Monitor.Thresholds;
using SecureMonitor.Notifications;
using SecureMonitor.Pki;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Storage;

namespace SecureMonitor.Monitor.Admin;

/// <summary>
/// Everything the admin commands need from their node, gathered in one place. Every node has the
/// store, the cluster view, the PKI and the live feed; the leader-only parts (the host and incident
/// actors, the watcher sessions, the write fence, the thresholds actor) are attached with
/// <see cref="AttachLeader"/> when this node leads, and commands that need them say so plainly
/// otherwise.
/// </summary>
public sealed class AdminContext
{
    private AdminContext(IClusterState cluster, IMonitorStore store, TimeProvider time, MonitorNodeInfo node, RejectionCounters rejections,
        AdminPki pki, MonitorOptions options, AdminFeed feed, ILoggerFactory loggers)
    {
        Cluster = cluster;
        Store = store;
        Time = time;
        Node = node;
        Rejections = rejections;
        Pki = pki;
        ThresholdBaseline = options.ThresholdBaseline;
        KeyGracePeriod = options.KeyGracePeriod;
        Loggers = loggers;
        Feed = feed;
    }

    public IClusterState Cluster { get; }

    public IMonitorStore Store { get; }

    public TimeProvider Time { get; }

    public MonitorNodeInfo Node { get; }

    public RejectionCounters Rejections { get; }

    public AdminPki Pki { get; }

    /// <summary>The rules watchers ship with, under the operators' threshold settings.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> ThresholdBaseline { get; }

    /// <summary>The grace period of <c>keys rotate</c> when the operator gives none.</summary>
    public TimeSpan KeyGracePeriod { get; }

    public ILoggerFactory Loggers { get; }

    /// <summary>Alerts and incident changes as they happen, for <c>tail</c>.</summary>
    public AdminFeed Feed { get; }

    /// <summary>Sends leader-only commands to the singleton's node; null where the node's cluster view is a
    /// stand-in (tests), which redirects consoles instead.</summary>
    public Forwarding.AdminForwarder? Forwarder { get; set; }

    /// <summary>The leader-only parts; null until this node leads.</summary>
    public AdminLeaderServices? Leader { get; private set; }

    /// <summary>The fence audit entries are written under: the leader's, or none on a follower.</summary>
    public WriteFence? AuditFence => Cluster.IsLeader ? Leader?.Fence : null;

    public AdminLeaderServices RequireLeader() =>
        Leader ?? throw new AdminCommandException($"this node ({Cluster.NodeId}) has not finished taking over as leader; try again shortly");

    /// <summary>Builds the context of a node; the leader-only parts are attached when a term begins. The
    /// live feed is fed by each term's singleton (stored alerts and incident changes).</summary>
    public static AdminContext Create(IClusterState cluster, MonitorOptions options, IMonitorStore store, FileKeyring keyring, MonitorNodeInfo node,
        RejectionCounters rejections, AdminFeed feed, TimeProvider time, ILoggerFactory loggers) =>
        new(cluster, store, time, node, rejections, new AdminPki(options.PkiDirectory, keyring, time), options, feed, loggers);

    /// <summary>Connects the leader-only parts (the term's actors and sessions).</summary>
    public void AttachLeader(AdminLeaderServices leader) => Leader = leader;

    /// <summary>The node stepped down: commands that change state are refused until it leads again.
    /// The term's own parts (sink, sessions, actors) go with the term.</summary>
    public void DetachLeader() => Leader = null;

    /// <summary>The command handler serving this node's admin sessions, with every command.</summary>
    public AdminCommandHandler CreateHandler() => new(
    [
        new StatusCommand(this),
        new ClusterMembersCommand(this),
        new ClusterLeaderCommand(this),
        new HostsCommand(this),
        new HostCommand(this),
        new AlertsCommand(this),
        new IncidentsCommand(this),
        new IncidentChangeCommand(this, resolve: false),
        new IncidentChangeCommand(this, resolve: true),
        new ThresholdsShowCommand(this),
        new ThresholdsSetCommand(this),
        new KeysRotateCommand(this),
        new KeysRevokeCommand(this),
        new TailCommand(this),
        new AuditCommand(this),
    ], this, Loggers.CreateLogger<AdminCommandHandler>());
}

/// <summary>The leader-only services commands use: what a leader has and a follower lacks.</summary>
public sealed record AdminLeaderServices(WriteFence Fence, IActorRef Hosts, IActorRef Correlator, IActorRef Thresholds, WatcherSessions Watchers);
