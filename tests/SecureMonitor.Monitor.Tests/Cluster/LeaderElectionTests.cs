using Microsoft.Extensions.Logging.Abstractions;
using SecureMonitor.Monitor.Cluster;
using SecureMonitor.Storage;
using SecureMonitor.Storage.Sqlite;
using SecureMonitor.TestKit;
using SecureMonitor.TestKit.Monitors;

namespace SecureMonitor.Monitor.Tests.Cluster;

/// <summary>
/// The lease protocol between nodes sharing one store, on virtual time: who leads, who follows and
/// redirects, and that a leader cut off from the store stops accepting before any other node can
/// take over.
/// </summary>
public sealed class LeaderElectionTests : IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Renew = TimeSpan.FromMilliseconds(500);

    private readonly string _data = Directory.CreateTempSubdirectory("sm-election-").FullName;
    private readonly ManualTimeProvider _time = new();
    private readonly List<IAsyncDisposable> _owned = [];
    private IMonitorStore _shared = null!;

    public async Task InitializeAsync()
    {
        _shared = await OpenStoreAsync();
    }

    public async Task DisposeAsync()
    {
        for (var index = _owned.Count - 1; index >= 0; index--)
        {
            await _owned[index].DisposeAsync();
        }
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task A_lone_node_leads_as_soon_as_it_has_started()
    {
        var (election, terms) = await StartNodeAsync("monitor-a", _shared);

        Assert.True(election.IsLeader);
        Assert.Equal(1, election.Epoch);
        Assert.Equal("monitor-a", election.LeaderNodeId);
        Assert.Equal([1L], terms.Begun);
        var members = await _shared.ListMembersAsync();
        Assert.Equal("monitor-a", Assert.Single(members).NodeId);
    }

    [Fact]
    public async Task A_second_node_follows_and_sends_watchers_to_the_leader()
    {
        var (leader, _) = await StartNodeAsync("monitor-a", _shared);
        var (follower, terms) = await StartNodeAsync("monitor-b", await OpenStoreAsync());

        Assert.False(follower.IsLeader);
        Assert.Equal("monitor-a", follower.LeaderNodeId);
        Assert.Equal(["127.0.0.1:7801"], follower.RedirectEndpoints);
        Assert.Empty(terms.Begun);

        // Renewals keep the leader in place however long it runs.
        for (var round = 0; round < 4 * Lease / Renew; round++)
        {
            await RoundAsync(leader, follower);
        }
        Assert.False(follower.IsLeader);
        Assert.Equal(1, (await _shared.ReadLeaseAsync()).Epoch);
    }

    [Fact]
    public async Task A_leader_cut_off_from_the_store_stops_accepting_before_its_lease_lapses_and_another_node_takes_over()
    {
        var (cutStore, network) = UnreachableStore.Wrap(await OpenStoreAsync());
        var (leader, leaderTerms) = await StartNodeAsync("monitor-a", cutStore);
        var (follower, followerTerms) = await StartNodeAsync("monitor-b", _shared);
        Assert.True(leader.IsLeader);

        await RoundAsync(leader, follower); // one renewal goes through
        var lastRenewal = (await _shared.ReadLeaseAsync()).ExpiresAt - Lease;
        network.CutOff();

        while (followerTerms.Begun.IsEmpty && _time.GetUtcNow() < lastRenewal + Lease * 3)
        {
            // The leader's round hangs on the store until its deadline, one renewal interval on.
            var hung = leader.TickAsync(CancellationToken.None);
            _time.Advance(Renew);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hung);
            await follower.TickAsync(CancellationToken.None);
        }

        Assert.Equal([2L], followerTerms.Begun);
        Assert.True(follower.IsLeader);
        Assert.False(leader.IsLeader);
        var stoppedAt = leaderTerms.StoppedAcceptingAt[1];
        var grants = await _shared.ListLeaderEpochsAsync();
        var takeover = grants.Single(grant => grant.Epoch == 2).AcquiredAt;
        Assert.True(stoppedAt <= lastRenewal + Lease - Renew, $"stopped accepting at {stoppedAt:O}, lease lapsed at {lastRenewal + Lease:O}");
        Assert.True(stoppedAt < takeover, $"stopped accepting at {stoppedAt:O}, taken over at {takeover:O}");
        await Eventually.WaitUntilAsync(() => leaderTerms.Ended.Count == 1, () => "the deposed leader's term was not ended");

        // Its writes are fenced out even when the store comes back.
        network.Reconnect();
        await Assert.ThrowsAsync<StaleFenceException>(() => _shared.UpsertIncidentAsync(SampleIncident(), new WriteFence(1)));
    }

    [Fact]
    public async Task A_leader_that_stops_gives_the_lease_back_so_a_follower_takes_over_at_its_next_bid()
    {
        var (leader, _) = await StartNodeAsync("monitor-a", await OpenStoreAsync());
        var (follower, followerTerms) = await StartNodeAsync("monitor-b", _shared);

        await leader.DisposeAsync();
        _owned.Remove(leader);
        _time.Advance(Renew);
        await follower.TickAsync(CancellationToken.None);

        Assert.True(follower.IsLeader);
        Assert.Equal([2L], followerTerms.Begun);
    }

    [Fact]
    public async Task A_leader_whose_renewal_is_refused_steps_down()
    {
        // Node B's clock runs a lease ahead (a skewed machine): it sees the lease lapsed and takes it.
        var skewed = new ManualTimeProvider(_time.GetUtcNow() + Lease + Renew);
        var (leader, leaderTerms) = await StartNodeAsync("monitor-a", _shared);
        var (usurper, _) = await StartNodeAsync("monitor-b", await OpenStoreAsync(), skewed);
        Assert.True(usurper.IsLeader);

        _time.Advance(Renew);
        await leader.TickAsync(CancellationToken.None);

        Assert.False(leader.IsLeader);
        Assert.Contains("refused", Assert.Single(leaderTerms.Ended).Reason);
        Assert.True(leaderTerms.StoppedAcceptingAt.ContainsKey(1));
    }

    private static IncidentRecord SampleIncident() => new(
        "inc-1", IncidentState.Open, ["distributed_alerts"], DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, null,
        null, null, null, ["web-01"], ["cpu.total"], [], 1, 0);

    /// <summary>One renewal interval passes and each node runs its round (the background loop is off).</summary>
    private async Task RoundAsync(params LeaderElection[] nodes)
    {
        _time.Advance(Renew);
        foreach (var node in nodes)
        {
            await node.TickAsync(CancellationToken.None);
        }
    }

    private async Task<IMonitorStore> OpenStoreAsync()
    {
        var store = new SqliteMonitorStore(new SqliteMonitorStoreOptions { DataDirectory = _data, Time = _time });
        await store.MigrateAsync();
        _owned.Add(store);
        return store;
    }

    private async Task<(LeaderElection Election, RecordingTerms Terms)> StartNodeAsync(string node, IMonitorStore store, TimeProvider? time = null)
    {
        time ??= _time;
        var terms = new RecordingTerms(time);
        var election = new LeaderElection(store, new LeaderElectionOptions
        {
            NodeId = node,
            Endpoint = node == "monitor-a" ? "127.0.0.1:7801" : "127.0.0.1:7802",
            LeaseDuration = Lease,
            RenewInterval = Renew,
        }, terms, time, NullLogger<LeaderElection>.Instance);
        await election.StartAsync(CancellationToken.None, renewInBackground: false);
        _owned.Add(election);
        return (election, terms);
    }
}
