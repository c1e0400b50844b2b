using SecureMonitor.Storage;

namespace SecureMonitor.Monitor.Cluster.Lease;

/// <summary>
/// What a node gives <see cref="StoreLeaseExtension"/> before its cluster starts: the store the lease row
/// lives in and what to record with a grant. Timing comes from the lease's HOCON section
/// (<see cref="StoreLeaseConfig"/>), where Akka reads it too.
/// </summary>
public sealed record StoreLeaseOptions
{
    /// <summary>The node's store, migrated; the lease does not own it (nor dispose it).</summary>
    public required IMonitorStore Store { get; init; }

    /// <summary>host:port of this node's edge, recorded with the grant so followers can redirect watchers.</summary>
    public required string Endpoint { get; init; }

    /// <summary>
    /// This run of the node, recorded with the owner name. Pass the cluster's
    /// <c>Cluster.Get(system).SelfUniqueAddress.Uid</c> so the store names the incarnation the cluster
    /// knows; left null, a random number drawn when the extension is registered (once per ActorSystem).
    /// </summary>
    public long? Incarnation { get; init; }

    /// <summary>Local timers (renewal, watchdog, operation timeouts) and, for a store without a clock of its
    /// own, the time passed to it. Tests drive it.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// Judge expiry by the store's clock when the store has one (<see cref="IStoreClock"/>: PostgreSQL), so
    /// nodes on several machines agree on it whatever their clocks say. Off only for tests that drive time.
    /// </summary>
    public bool UseStoreClock { get; init; } = true;

    /// <summary>The store's clock when <see cref="Store"/> is a wrapper that hides it (by default the store
    /// itself, if it is an <see cref="IStoreClock"/>).</summary>
    public IStoreClock? StoreClock { get; init; }
}
