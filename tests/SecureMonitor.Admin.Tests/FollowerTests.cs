using SecureMonitor.Admin.Console;
using Spectre.Console;

namespace SecureMonitor.Admin.Tests;

/// <summary>
/// A console dialling a follower: reads are served there, changes are refused with the leader's
/// endpoint and the console sends them to the leader. The follower here is a node whose cluster view
/// says so (<see cref="StaticClusterState"/>); the leader is a real second node.
/// </summary>
public sealed class FollowerTests(ITestOutputHelper output) : AdminTestBase(output)
{
    private async Task<(PkiFixture Pki, MonitorHarness Leader, MonitorHarness Follower)> StartPairAsync()
    {
        var pki = NewPki(watchers: ["web-01", "web-02", "web-03"]);
        var leader = await StartMonitorAsync(pki, new MonitorHarnessOptions { NodeId = "monitor-1" });
        var follower = await StartMonitorAsync(pki, new MonitorHarnessOptions
        {
            NodeId = "monitor-2",
            ClusterState = StaticClusterState.Follower("monitor-2", "monitor-1", leader.Endpoint.ToString()),
        });
        return (pki, leader, follower);
    }

    [Fact]
    public async Task A_change_sent_to_a_follower_acts_on_the_leader_and_both_nodes_audit_their_part()
    {
        var (pki, leader, follower) = await StartPairAsync();
        var admin = Client(pki, PkiDirectory.DefaultAdminName, follower); // the console knows only the follower

        var result = await admin.RunAsync("thresholds.set", ["all", "cpu.total.warn=70"], CancellationToken.None);

        Assert.True(result.Reply.Ok, result.Reply.Error);
        Assert.NotNull(result.Redirect);
        Assert.Equal((follower.Endpoint, leader.Endpoint, "monitor-1"), (result.Redirect.From, result.Redirect.To, result.Redirect.LeaderNode));
        Assert.Equal(["cpu.total.warn=70"], Assert.Single(await leader.Node.Store.ListThresholdSettingsAsync()).Settings);
        Assert.Empty(await follower.Node.Store.ListThresholdSettingsAsync());

        var followerAudit = Assert.Single(await follower.Node.Store.ListAuditAsync(null, 10));
        Assert.Equal(("thresholds.set", false, (long?)null), (followerAudit.Record.Command, followerAudit.Record.Success, followerAudit.Epoch));
        Assert.StartsWith("refused (not_leader)", followerAudit.Record.Result);
        var leaderAudit = Assert.Single(await leader.Node.Store.ListAuditAsync(null, 10));
        Assert.Equal(("thresholds.set", true, leader.Node.Fence.Epoch), (leaderAudit.Record.Command, leaderAudit.Record.Success, leaderAudit.Epoch));
        Assert.Equal(0, follower.TotalRejections()); // a redirect is not a refusal of the operator
    }

    [Fact]
    public async Task Reads_are_served_by_the_follower_from_its_own_store()
    {
        var (pki, leader, follower) = await StartPairAsync();
        await SendAlertsAsync(leader, "web-01"); // only the leader's store has it
        var admin = Client(pki, PkiDirectory.DefaultAdminName, follower);

        var status = await admin.RunAsync("status", [], CancellationToken.None);
        var hosts = await admin.RunAsync("hosts", [], CancellationToken.None);

        Assert.Null(status.Redirect);
        var node = JsonNode.Parse(status.Reply.Json)!;
        Assert.Equal(("monitor-2", "follower", "monitor-1"), (node.Text("node"), node.Text("role"), node.Text("leaderNode")));
        Assert.Null(hosts.Redirect);
        Assert.Equal(false, (bool?)JsonNode.Parse(hosts.Reply.Json)!["livenessKnown"]);
        Assert.Empty(JsonNode.Parse(hosts.Reply.Json)!["hosts"]!.AsArray());
    }

    [Fact]
    public async Task An_incident_acknowledged_through_a_follower_is_acknowledged_on_the_leader_and_the_console_says_where_it_ran()
    {
        var (pki, leader, follower) = await StartPairAsync();
        await SendAlertsAsync(leader, "web-01", "web-02", "web-03");
        var id = (await UntilAsync(Admin(leader), result => result.Array("incidents").Count == 1, "an incident on the leader", "incidents", "--open"))
            .Objects("incidents")[0].Text("id")!;
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(output) });
        console.Profile.Width = 300; // one line per note, whatever the port numbers
        var shell = new AdminShell(Client(pki, PkiDirectory.DefaultAdminName, follower), console, output, output, TimeZoneInfo.Utc, json: false);

        var exit = await shell.RunAsync(["incident", "ack", id, "--note", "via the follower"], CancellationToken.None);

        Assert.Equal(AdminExit.Ok, exit);
        Assert.Contains($"{follower.Endpoint} is a follower: 'incident ack' was sent to the leader monitor-1 at {leader.Endpoint}", output.ToString());
        Assert.Equal("via the follower", (await leader.Node.Store.GetIncidentAsync(id))!.AcknowledgementNote);
    }

    [Fact]
    public async Task Tail_through_a_follower_streams_from_the_leader()
    {
        var (pki, leader, follower) = await StartPairAsync();
        var admin = Client(pki, PkiDirectory.DefaultAdminName, follower);
        using var stop = new CancellationTokenSource();
        using var deadline = new CancellationTokenSource(Within);
        var types = new List<string?>();

        await foreach (var item in admin.StreamAsync("tail", [], stop.Token, deadline.Token))
        {
            Assert.True(item.Reply.Ok, item.Reply.Error);
            Assert.Equal(leader.Endpoint, item.Redirect?.To);
            var json = JsonNode.Parse(item.Reply.Json)!;
            types.Add(json.Text("type"));
            if (json.Text("type") == "started")
            {
                Assert.Equal("monitor-1", json.Text("node"));
                await SendAlertsAsync(leader, "web-02");
            }
            else if (json.Text("type") == "alert")
            {
                await stop.CancelAsync();
            }
        }

        Assert.Equal(["started", "alert", "end"], types);
    }

    [Fact]
    public async Task A_real_follower_redirects_watchers_and_forwards_changes_to_the_singleton_through_the_cluster_answering_on_the_same_connection()
    {
        var pki = NewPki(watchers: ["web-01"]);
        var data = Directory.CreateTempSubdirectory("sm-shared-store-").FullName;
        var leader = await StartMonitorAsync(pki, new MonitorHarnessOptions { NodeId = "monitor-1", DataDirectory = data });
        var follower = await StartMonitorAsync(pki, new MonitorHarnessOptions { NodeId = "monitor-2", DataDirectory = data, SeedNodes = [leader.ClusterEndpoint] });
        Assert.True(leader.Node.Cluster.IsLeader);
        // The follower knows the singleton's node from cluster state once it has joined.
        await Eventually.WaitUntilAsync(() => follower.Node.Cluster.LeaderNodeId == "monitor-1", () => "the follower did not join the leader's cluster");
        Assert.False(follower.Node.Cluster.IsLeader);

        // A watcher that dials the follower is told where the leader is.
        await using (var watcher = await follower.ConnectWatcherAsync("web-01", hello: false))
        {
            var answer = Assert.Single(await watcher.WaitForCloseAsync());
            Assert.Equal(SecureMonitor.Protocol.Wire.Frame.BodyOneofCase.NotLeader, answer.BodyCase);
            Assert.Equal(("monitor-1", leader.Endpoint.ToString()), (answer.NotLeader.LeaderNode, Assert.Single(answer.NotLeader.TryEndpoints)));
        }

        var result = await Client(pki, PkiDirectory.DefaultAdminName, follower).RunAsync("thresholds.set", ["all", "cpu.total.warn=70"], CancellationToken.None);

        // Answered by the follower on the console's own connection: no redirect.
        Assert.True(result.Reply.Ok, result.Reply.Error);
        Assert.Null(result.Redirect);
        var stored = Assert.Single(await follower.Node.Store.ListThresholdSettingsAsync()); // one store: the follower reads what the leader wrote
        Assert.Equal(["cpu.total.warn=70"], stored.Settings);
        // Both nodes audit their part: the singleton's node ran it under its fence, the follower forwarded it.
        var audit = await leader.Node.Store.ListAuditAsync(null, 10); // newest first
        Assert.Equal([(true, null), (true, (long?)leader.Node.Fence.Epoch)], audit.Select(entry => (entry.Record.Success, entry.Epoch)));
        Assert.StartsWith("forwarded to monitor-1: ok", audit[0].Record.Result);
    }

    [Fact]
    public async Task A_follower_that_knows_no_leader_says_so()
    {
        var pki = NewPki();
        var follower = await StartMonitorAsync(pki, new MonitorHarnessOptions
        {
            NodeId = "monitor-2",
            ClusterState = StaticClusterState.Follower("monitor-2", "monitor-1", leaderEndpoint: null),
        });

        var refused = await FailsAsync(Admin(follower), "thresholds.set", "all", "cpu.total.warn=70");

        Assert.Contains("no node holds the leader lease", refused.Error);
    }
}
