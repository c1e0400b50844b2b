using SecureMonitor.Monitor.Cluster;
using SecureMonitor.Monitor.Persistence;
using SecureMonitor.Monitor.Security;
using SecureMonitor.Notifications;
using SecureMonitor.Storage;

namespace SecureMonitor.Monitor.Node;

/// <summary>Optional extension points of a node, for tests and embedding: observers of what it
/// stores, where its own security alerts go, extra notification channels.</summary>
public sealed record MonitorNodeHooks
{
    /// <summary>Called once per stored message, after it is durable.</summary>
    public Action<StoredEvent>? OnStored { get; init; }

    /// <summary>Told every security alert too, besides the log and the store.</summary>
    public ISecurityAlertSink? SecurityAlerts { get; init; }

    /// <summary>Channels added to the configured ones (log, webhook, Alertmanager).</summary>
    public IReadOnlyList<INotificationChannel> ExtraChannels { get; init; } = [];

    /// <summary>The node's view of the cluster as admin commands see it; null: this node leads alone.
    /// Tests supply a follower's view to exercise the console's redirect to the leader.</summary>
    public IClusterState? ClusterState { get; init; }

    /// <summary>Wraps the store the configuration names (tests inject store failures with it).</summary>
    public Func<IMonitorStore, IMonitorStore>? WrapStore { get; init; }
}
