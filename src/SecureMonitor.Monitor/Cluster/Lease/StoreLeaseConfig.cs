using Akka.Configuration;

namespace SecureMonitor.Monitor.Cluster.Lease;

/// <summary>
/// The HOCON Akka needs to load <see cref="StoreLease"/>. Akka reads a lease's settings from a config
/// path named by the lease's user, so the cluster code puts <see cref="Section"/> at <see cref="Path"/>
/// and points the singleton at it: <c>akka.cluster.singleton.use-lease = "securemonitor.store-lease"</c>
/// (with <c>lease-retry-interval</c> there, how often a node without the lease tries again).
/// </summary>
/// <remarks>
/// <para>Nodes read the lease's settings from hocon/common/akka-cluster.conf (3 s, renewed every 500 ms);
/// this section, with its own slower timing, serves the lease's contract tests, which load the lease on
/// its own.</para>
/// <para>Do not also name this path in <c>split-brain-resolver.lease-majority.lease-implementation</c>: the
/// store has one lease row, which the resolver's lease (held by the cluster leader, not necessarily the
/// singleton's node) would fight over with the singleton's; <see cref="StoreLeaseExtension"/> refuses a
/// second lease name. Use keep-majority until the store has a row per lease name.</para>
/// </remarks>
public static class StoreLeaseConfig
{
    /// <summary>Where the cluster code puts <see cref="Section"/> (absolute config path).</summary>
    public const string Path = "akka.coordination.securemonitor-store-lease";

    /// <summary>
    /// The lease's section. <c>heartbeat-timeout</c>: how long a grant or renewal runs (on the store's clock).
    /// <c>heartbeat-interval</c>: how often the holder renews. <c>lease-operation-timeout</c>: the bound on one
    /// acquire, renewal or release (a timed-out acquire fails with LeaseTimeoutException and is retried by the
    /// singleton manager). <c>step-down-margin</c>: what is left of the grant when a holder that could not
    /// renew gives it up (default: a fifth of the timeout, at least one interval). The timeout minus the margin
    /// must leave room for two intervals and one operation timeout.
    /// </summary>
    public const string Section = """
        lease-class = "SecureMonitor.Monitor.Cluster.Lease.StoreLease, SecureMonitor.Monitor"
        heartbeat-timeout = 7s
        heartbeat-interval = 1s
        lease-operation-timeout = 2s
        step-down-margin = 1400ms
        """;

    /// <summary><see cref="Section"/> at <see cref="Path"/>, and the singleton using it.</summary>
    public static Config ForSingleton(TimeSpan? leaseRetryInterval = null) =>
        ConfigurationFactory.ParseString($$"""
            {{Path}} {
            {{Section}}
            }
            akka.cluster.singleton {
              use-lease = "{{Path}}"
              lease-retry-interval = {{(int)(leaseRetryInterval ?? TimeSpan.FromSeconds(1)).TotalMilliseconds}}ms
            }
            """);
}
