namespace SecureMonitor.Storage;

/// <summary>
/// A store that can tell the time by its own clock. Nodes sharing one database judge lease expiry on it,
/// so their own clocks' offsets do not matter (only the rate at which each node measures elapsed time does).
/// Pass the time read here as the <c>now</c> of <see cref="IMonitorStore.TryAcquireLeaseAsync"/> and
/// <see cref="IMonitorStore.RenewLeaseAsync"/>. A store on one machine (SQLite) need not implement it:
/// its nodes share that machine's clock.
/// </summary>
public interface IStoreClock
{
    /// <summary>The store's current time, UTC, at microsecond precision; it does not go backwards while
    /// the database server's clock does not.</summary>
    Task<DateTimeOffset> GetStoreTimeAsync(CancellationToken ct = default);
}
