using SecureMonitor.Storage;

namespace SecureMonitor.Monitor.Cluster.Lease;

/// <summary>
/// A grant this node holds: the fencing <see cref="Epoch"/> every write of the term must carry, and when
/// the store will consider the lease expired (on the store's clock, see <see cref="StoreLeaseConfig"/>).
/// Immutable: a renewal publishes a new snapshot with a later <see cref="ExpiresAt"/> and the same epoch.
/// </summary>
public sealed record StoreLeaseTerm(long Epoch, DateTimeOffset ExpiresAt, string Holder)
{
    public WriteFence Fence => new(Epoch);
}
