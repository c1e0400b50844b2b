using SecureMonitor.Storage;
using SecureMonitor.TestKit.Storage;

namespace SecureMonitor.Monitor.Tests.Cluster;

/// <summary>
/// Three monitor nodes in this process, each with its own ActorSystem, joined into one Akka cluster
/// on loopback over mutual TLS, on one SQLite store: where the singleton runs, where watchers are sent,
/// how it moves when its node leaves or loses its lease, and that a deposed term cannot write.
/// </summary>
public sealed class MonitorClusterTests(ITestOutputHelper output) : MonitorTestBase(output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Three_nodes_join_the_singleton_runs_on_the_oldest_followers_send_watchers_there_and_a_leaving_node_hands_it_over()
    {
        var pki = NewPki(watchers: ["web-01"]);
        var data = Directory.CreateTempSubdirectory("sm-cluster-").FullName;
        var first = await StartMonitorAsync(pki, new MonitorHarnessOptions { NodeId = "monitor-1", DataDirectory = data });
        var second = await StartMonitorAsync(pki, new MonitorHarnessOptions { NodeId = "monitor-2", DataDirectory = data, SeedNodes = [first.ClusterEndpoint] });
        var third = await StartMonitorAsync(pki, new MonitorHarnessOptions { NodeId = "monitor-3", DataDirectory = data, SeedNodes = [first.ClusterEndpoint] });

        await Eventually.WaitUntilAsync(() => new[] { first, second, third }.All(node => node.Node.Cluster.Members.Count(member => member.Status == "Up") == 3),
            () => "the three nodes did not all see three members up", Bound);
        Assert.True(first.Node.Cluster.IsLeader);
        Assert.All(new[] { second, third }, node =>
        {
            Assert.False(node.Node.Cluster.IsLeader);
            Assert.Equal(("monitor-1", first.Endpoint.ToString()), (node.Node.Cluster.LeaderNodeId, node.Node.Cluster.LeaderEndpoint));
        });
        var firstEpoch = first.Node.Fence.Epoch;

        // A watcher that dials a follower is sent to the singleton's node.
        await using (var watcher = await third.ConnectWatcherAsync("web-01", hello: false))
        {
            var answer = Assert.Single(await watcher.WaitForCloseAsync());
            Assert.Equal(Frame.BodyOneofCase.NotLeader, answer.BodyCase);
            Assert.Equal(("monitor-1", first.Endpoint.ToString()), (answer.NotLeader.LeaderNode, Assert.Single(answer.NotLeader.TryEndpoints)));
        }
        await using (var watcher = await first.ConnectWatcherAsync("web-01"))
        {
            Assert.Equal(AckStatus.Accepted, (await watcher.SendAlertAsync()).Status);
        }

        // The oldest leaves (as on SIGTERM): the next oldest takes the singleton under the next epoch. Which
        // of the two that is depends on their up-numbers (both may have been moved up at once), not on start order.
        await first.DisposeAsync();
        MonitorHarness? successor = null;
        await Eventually.WaitUntilAsync(() => (successor = new[] { second, third }.FirstOrDefault(node => node.Node.Term is not null)) is not null,
            () => "neither remaining node took the singleton over", Bound);
        var other = successor == second ? third : second;
        Assert.True(successor!.Node.Fence.Epoch > firstEpoch);
        await Eventually.WaitUntilAsync(() => other.Node.Cluster.LeaderNodeId == successor.Options.NodeId,
            () => $"{other.Options.NodeId} does not send watchers to {successor.Options.NodeId}", Bound);
        await using (var watcher = await successor.ConnectWatcherAsync("web-01"))
        {
            Assert.Equal(1UL, watcher.ResumedAfter); // the high-water mark of the first term, from the store
            Assert.Equal(AckStatus.Accepted, (await watcher.SendAlertAsync()).Status);
        }

        // A deposed term's late write changes nothing.
        await Assert.ThrowsAsync<StaleFenceException>(() => successor.Node.Store.AppendAsync(
            [StoredMessage.ForHeartbeat("web-01", 99, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow)], new WriteFence(firstEpoch)));
    }

    [Fact]
    public async Task A_node_that_loses_its_lease_stops_serving_and_leaves_so_another_node_takes_over()
    {
        var pki = NewPki(watchers: ["web-01"]);
        var data = Directory.CreateTempSubdirectory("sm-cluster-").FullName;
        LeaseRefusingStore? cutOff = null;
        var first = await StartMonitorAsync(pki, new MonitorHarnessOptions
        {
            NodeId = "monitor-1",
            DataDirectory = data,
            WrapStore = store => cutOff = new LeaseRefusingStore(store),
        });
        var second = await StartMonitorAsync(pki, new MonitorHarnessOptions { NodeId = "monitor-2", DataDirectory = data, SeedNodes = [first.ClusterEndpoint] });
        await Eventually.WaitUntilAsync(() => second.Node.Cluster.LeaderNodeId == "monitor-1", () => "monitor-2 did not join", Bound);
        var firstEpoch = first.Node.Fence.Epoch;

        cutOff!.RefuseLease = true; // as if the store were out of its reach

        await Eventually.WaitUntilAsync(() => first.Node.Term is null, () => "monitor-1 kept serving without its lease", Bound);
        await first.Node.Left.WaitAsync(Bound);
        await Eventually.WaitUntilAsync(() => second.Node.Term is not null, () => "monitor-2 did not take over", Bound);
        Assert.True(second.Node.Fence.Epoch > firstEpoch);
        Assert.True(first.Logs.Contains("Leaving the cluster so another node takes over"), first.Logs.Dump());
    }

    [Fact]
    public async Task A_node_alone_that_loses_its_lease_stays_and_serves_again_under_a_new_epoch_when_the_store_answers()
    {
        var pki = NewPki(watchers: ["web-01"]);
        LeaseRefusingStore? cutOff = null;
        var alone = await StartMonitorAsync(pki, new MonitorHarnessOptions
        {
            NodeId = "monitor-1",
            DataDirectory = Directory.CreateTempSubdirectory("sm-cluster-").FullName,
            WrapStore = store => cutOff = new LeaseRefusingStore(store),
        });
        var firstEpoch = alone.Node.Fence.Epoch;

        cutOff!.RefuseLease = true; // as a renewal that comes too late on a starved machine
        await Eventually.WaitUntilAsync(() => alone.Node.Term is null, () => "monitor-1 kept serving without its lease", Bound);
        cutOff.RefuseLease = false;

        await Eventually.WaitUntilAsync(() => alone.Node.Term is not null, () => "monitor-1 did not take its lease again", Bound);
        Assert.False(alone.Node.Left.IsCompleted, "a node alone must not leave its cluster of one");
        Assert.True(alone.Node.Fence.Epoch > firstEpoch);
        Assert.True(alone.Logs.Contains("No other monitor node is up, so this node stays"), alone.Logs.Dump());
        await using var watcher = await alone.ConnectWatcherAsync("web-01");
        Assert.Equal(AckStatus.Accepted, (await watcher.SendAlertAsync()).Status);
    }

    /// <summary>A store that can stop granting and renewing this node's lease (its other calls still work).</summary>
    private sealed class LeaseRefusingStore(IMonitorStore inner) : DelegatingMonitorStore(inner)
    {
        public volatile bool RefuseLease;

        public override Task<LeaseGrant?> TryAcquireLeaseAsync(string nodeId, string endpoint, TimeSpan duration, DateTimeOffset now, CancellationToken ct = default) =>
            RefuseLease ? Task.FromResult<LeaseGrant?>(null) : base.TryAcquireLeaseAsync(nodeId, endpoint, duration, now, ct);

        public override Task<bool> RenewLeaseAsync(string nodeId, long epoch, TimeSpan duration, DateTimeOffset now, CancellationToken ct = default) =>
            RefuseLease ? Task.FromResult(false) : base.RenewLeaseAsync(nodeId, epoch, duration, now, ct);
    }
}
