using Akka.Coordination;
using SecureMonitor.Monitor.Cluster.Lease;
using SecureMonitor.Storage;

namespace SecureMonitor.Monitor.Tests.Cluster.Lease;

/// <summary>
/// <see cref="StoreLease"/> against every store (one subclass each), nodes sharing one database, on
/// virtual time: the timing of <see cref="StoreLeaseConfig.Section"/> (a 7 s lease renewed every second,
/// a 2 s bound on each store call, given up 1.4 s before it would lapse).
/// </summary>
public abstract class StoreLeaseContractTests : IAsyncLifetime
{
    protected static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    protected static readonly TimeSpan LeaseFor = TimeSpan.FromSeconds(7);
    private static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(1400);

    private readonly List<LeaseNode> _nodes = [];

    protected ManualTimeProvider Time { get; } = new();

    /// <summary>A new store instance on the test's database, migrated.</summary>
    protected abstract Task<IMonitorStore> OpenStoreAsync();

    protected virtual Task CleanupAsync() => Task.CompletedTask;

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
        await CleanupAsync();
    }

    protected async Task<LeaseNode> StartNodeAsync(string address, bool useStoreClock = false)
    {
        var node = LeaseNode.Start(await OpenStoreAsync(), Time, address, useStoreClock);
        _nodes.Add(node);
        return node;
    }

    [Fact]
    public async Task A_node_acquires_the_lease_under_a_new_epoch_and_releases_it()
    {
        var a = await StartNodeAsync("10.0.0.1:2551");
        StoreLeaseTerm? announced = null;
        a.Extension.TermChanged += term => announced = term;

        Assert.True(await a.AcquireAsync().WaitAsync(Bound));

        Assert.True(a.Lease.CheckLease());
        var term = Assert.IsType<StoreLeaseTerm>(a.Extension.Current);
        Assert.Equal(term, a.Lease.Current);
        Assert.Equal(term, announced);
        Assert.Equal(1, term.Epoch);
        Assert.Equal(Time.GetUtcNow() + LeaseFor, term.ExpiresAt);
        Assert.StartsWith("10.0.0.1:2551#", term.Holder);
        var row = await ReadLeaseAsync();
        Assert.Equal((term.Holder, "10.0.0.1:7801", 1L), (row.Holder, row.Endpoint, row.Epoch));

        Assert.True(await a.Lease.Release().WaitAsync(Bound));

        Assert.False(a.Lease.CheckLease());
        Assert.Null(a.Extension.Current);
        Assert.Null(announced);
        Assert.Null((await ReadLeaseAsync()).Holder);
        Assert.False(await a.Lease.Release().WaitAsync(Bound));
        Assert.Equal(0, a.LostCount);
    }

    [Fact]
    public async Task Another_owner_is_refused_while_the_lease_is_held_and_the_holder_may_acquire_again()
    {
        var a = await StartNodeAsync("10.0.0.1:2551");
        var b = await StartNodeAsync("10.0.0.2:2551");
        Assert.True(await a.AcquireAsync().WaitAsync(Bound));

        Assert.False(await b.AcquireAsync().WaitAsync(Bound));
        Time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.True(await a.AcquireAsync().WaitAsync(Bound));

        Assert.False(b.Lease.CheckLease());
        Assert.Null(b.Extension.Current);
        Assert.Equal(1, a.Lease.Current!.Epoch);
        Assert.Equal(Time.GetUtcNow() + LeaseFor, a.Lease.Current.ExpiresAt);
    }

    [Fact]
    public async Task After_the_holder_dies_another_node_takes_over_once_the_lease_expired_under_the_next_epoch_and_the_old_epoch_is_fenced_out()
    {
        var a = await StartNodeAsync("10.0.0.1:2551");
        var b = await StartNodeAsync("10.0.0.2:2551");
        Assert.True(await a.AcquireAsync().WaitAsync(Bound));
        var old = a.Lease.Current!;
        await AuditAsync(old.Fence); // the holder writes under its epoch
        await a.System.Terminate().WaitAsync(Bound); // dies: no release, no renewal

        Time.Advance(LeaseFor - TimeSpan.FromMilliseconds(1));
        Assert.False(await b.AcquireAsync().WaitAsync(Bound));
        Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(await b.AcquireAsync().WaitAsync(Bound));

        Assert.Equal(old.Epoch + 1, b.Extension.Current!.Epoch);
        var stale = await Assert.ThrowsAsync<StaleFenceException>(() => AuditAsync(old.Fence));
        Assert.Contains(old.Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture), stale.Message);
        await AuditAsync(b.Extension.Current.Fence);
    }

    [Fact]
    public async Task Renewals_keep_the_lease_far_past_its_first_expiry()
    {
        var a = await StartNodeAsync("10.0.0.1:2551");
        var b = await StartNodeAsync("10.0.0.2:2551");
        Assert.True(await a.AcquireAsync().WaitAsync(Bound));

        for (var second = 1; second <= 3 * LeaseFor.TotalSeconds; second++)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            var renewedUntil = Time.GetUtcNow() + LeaseFor;
            await WaitUntilAsync(() => a.Lease.Current?.ExpiresAt == renewedUntil, $"the renewal at {second} s");
        }

        Assert.True(a.Lease.CheckLease());
        Assert.Equal(1, a.Lease.Current!.Epoch);
        Assert.Equal(a.Lease.Current.ExpiresAt, (await ReadLeaseAsync()).ExpiresAt);
        Assert.False(await b.AcquireAsync().WaitAsync(Bound));
        Assert.Equal(0, a.LostCount);
    }

    [Fact]
    public async Task A_holder_whose_store_stops_answering_loses_the_lease_before_it_expires()
    {
        var a = await StartNodeAsync("10.0.0.1:2551");
        StoreLeaseTerm? announced = null;
        Assert.True(await a.AcquireAsync().WaitAsync(Bound));
        var term = a.Lease.Current!;
        a.Extension.TermChanged += changed => announced = changed;

        a.Network.StopAnswering();
        Time.Advance(LeaseFor - Margin - TimeSpan.FromMilliseconds(1));
        Assert.True(a.Lease.CheckLease());
        Time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.False(a.Lease.CheckLease());
        Assert.Null(a.Extension.Current);
        Assert.Null(announced);
        var error = await a.Lost.Task.WaitAsync(Bound);
        Assert.IsType<LeaseException>(error);
        Assert.Contains($"epoch {term.Epoch}", error!.Message);
        // The store still holds it: the holder gave up before anyone else could take it.
        Assert.True((await ReadLeaseAsync()).IsHeldAt(Time.GetUtcNow()));
        Assert.Equal(1, a.LostCount);
    }

    [Fact]
    public async Task A_holder_that_lost_its_lease_acquires_again_only_under_a_new_epoch()
    {
        var a = await StartNodeAsync("10.0.0.1:2551");
        Assert.True(await a.AcquireAsync().WaitAsync(Bound));
        a.Network.StopAnswering();
        Time.Advance(LeaseFor - Margin);
        await a.Lost.Task.WaitAsync(Bound);

        a.Network.Answer();
        Assert.True(await a.AcquireAsync().WaitAsync(Bound));

        // The store would have extended epoch 1 (same holder, unexpired); the singleton of that term may
        // still be stopping, so the lease starts a new one.
        Assert.Equal(2, a.Lease.Current!.Epoch);
        await Assert.ThrowsAsync<StaleFenceException>(() => AuditAsync(new WriteFence(1)));
    }

    [Fact]
    public async Task A_restarted_node_cannot_take_the_unexpired_lease_of_its_previous_incarnation()
    {
        var first = await StartNodeAsync("10.0.0.1:2551");
        Assert.True(await first.AcquireAsync().WaitAsync(Bound));
        var old = first.Lease.Current!;
        await first.System.Terminate().WaitAsync(Bound); // kill -9, then a restart on the same address

        var second = await StartNodeAsync("10.0.0.1:2551");
        Assert.NotEqual(first.Lease.Holder, second.Lease.Holder);
        Time.Advance(LeaseFor - TimeSpan.FromSeconds(1));
        Assert.False(await second.AcquireAsync().WaitAsync(Bound));
        Assert.False(second.Lease.CheckLease());

        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await second.AcquireAsync().WaitAsync(Bound));
        Assert.Equal(old.Epoch + 1, second.Lease.Current!.Epoch);
    }

    [Fact]
    public async Task A_store_that_does_not_answer_an_acquire_in_time_fails_it_with_a_lease_timeout()
    {
        var a = await StartNodeAsync("10.0.0.1:2551");
        a.Network.StopAnswering();

        var acquiring = a.AcquireAsync(); // its deadline is armed before it first waits
        Time.Advance(TimeSpan.FromSeconds(2));

        await Assert.ThrowsAsync<LeaseTimeoutException>(() => acquiring.WaitAsync(Bound));
        Assert.False(a.Lease.CheckLease());
    }

    [Fact]
    public async Task The_one_lease_row_serves_one_lease_name_only()
    {
        var a = await StartNodeAsync("10.0.0.1:2551");

        var error = Assert.ThrowsAny<Exception>(() => LeaseProvider.Get(a.System).GetLease("sbr-lease", StoreLeaseConfig.Path, "10.0.0.1:2551"));

        Assert.Contains("one lease row", Flatten(error));
    }

    protected async Task<LeaseState> ReadLeaseAsync()
    {
        var store = await OpenStoreAsync();
        await using (store)
        {
            return await store.ReadLeaseAsync().WaitAsync(Bound);
        }
    }

    private async Task AuditAsync(WriteFence fence)
    {
        var store = await OpenStoreAsync();
        await using (store)
        {
            await store.AppendAuditAsync(new AuditRecord(Time.GetUtcNow(), "CN=alice", "admin", "ack", "incident-1", "ok", true), fence).WaitAsync(Bound);
        }
    }

    /// <summary>Bounded: renewals run on the thread pool after the virtual clock fired them, so the wait
    /// checks on a timer rather than spinning (which would starve them on a busy machine).</summary>
    private static Task WaitUntilAsync(Func<bool> condition, string what) =>
        Eventually.WaitUntilAsync(() => Task.FromResult(condition()), () => $"timed out waiting for {what}", Bound, TimeSpan.FromMilliseconds(5));

    private static string Flatten(Exception error) => error.InnerException is { } inner ? error.Message + " | " + Flatten(inner) : error.Message;
}
