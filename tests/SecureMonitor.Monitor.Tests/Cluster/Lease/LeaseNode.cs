using Akka.Actor;
using Akka.Coordination;
using SecureMonitor.Monitor.Cluster.Lease;
using SecureMonitor.Storage;

namespace SecureMonitor.Monitor.Tests.Cluster.Lease;

/// <summary>
/// One node's run: its own ActorSystem (so its own incarnation), its own store instance on the shared
/// database (which it can make stop answering), and the lease as Akka's LeaseProvider loads it from
/// <see cref="StoreLeaseConfig"/>. Terminating the system is the node dying: nothing is released.
/// </summary>
public sealed class LeaseNode : IAsyncDisposable
{
    public const string LeaseName = "monitor-singleton";

    private readonly IMonitorStore _inner;
    private int _lost;

    private LeaseNode(ActorSystem system, IMonitorStore inner, HangingStore control, StoreLeaseExtension extension, StoreLease lease)
    {
        System = system;
        _inner = inner;
        Network = control;
        Extension = extension;
        Lease = lease;
    }

    public ActorSystem System { get; }

    public HangingStore Network { get; }

    public StoreLeaseExtension Extension { get; }

    public StoreLease Lease { get; }

    /// <summary>Completes with the exception the lease-lost callback was given.</summary>
    public TaskCompletionSource<Exception?> Lost { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int LostCount => Volatile.Read(ref _lost);

    /// <param name="store">A migrated store on the shared database, owned by the node from now on.</param>
    /// <param name="address">host:port, the owner name Akka's singleton manager passes.</param>
    public static LeaseNode Start(IMonitorStore store, TimeProvider time, string address, bool useStoreClock = false)
    {
        var (wrapped, control) = HangingStore.Wrap(store);
        var system = ActorSystem.Create("lease-" + address.Replace(':', '-').Replace('.', '-'), StoreLeaseConfig.ForSingleton());
        var extension = StoreLeaseExtension.Register(system, new StoreLeaseOptions
        {
            Store = wrapped,
            Endpoint = address.Replace(":2551", ":7801"),
            Time = time,
            UseStoreClock = useStoreClock,
            StoreClock = store as IStoreClock, // the wrapper hides it
        });
        var lease = (StoreLease)LeaseProvider.Get(system).GetLease(LeaseName, StoreLeaseConfig.Path, address);
        return new LeaseNode(system, store, control, extension, lease);
    }

    public Task<bool> AcquireAsync() => Lease.Acquire(error =>
    {
        Interlocked.Increment(ref _lost);
        Lost.TrySetResult(error);
    });

    public async ValueTask DisposeAsync()
    {
        await System.Terminate().WaitAsync(TimeSpan.FromSeconds(10));
        await _inner.DisposeAsync();
    }
}
