namespace SecureMonitor.Admin.Tests;

/// <summary>Every command against a real monitor node over TLS 1.3, as the console sends it.</summary>
public sealed class CommandTests(ITestOutputHelper output) : AdminTestBase(output)
{
    [Fact]
    public async Task Status_and_cluster_commands_describe_the_node_that_answers()
    {
        var monitor = await StartMonitorAsync(NewPki(watchers: ["web-01"]));
        var admin = Admin(monitor);

        var status = await OkAsync(admin, "status");
        var members = await OkAsync(admin, "cluster.members");
        var leader = await OkAsync(admin, "cluster.leader");

        Assert.Equal((monitor.Options.NodeId, "leader"), (status.Text("node"), status.Text("role")));
        Assert.StartsWith("admin:admin@", status.Text("caller"));
        var self = Assert.Single(members.Objects("members"));
        Assert.Equal((monitor.Options.NodeId, true, true), (self.Text("node"), (bool?)self["leader"], (bool?)self["self"]));
        Assert.Equal(monitor.Options.NodeId, leader.Text("leaderNode"));
        // The lease's holder is the node's incarnation (cluster address and uid).
        Assert.StartsWith(monitor.Node.ClusterAddress.HostPort() + "#", leader["lease"].Text("holder"));
        Assert.Equal(true, (bool?)leader["lease"]!["held"]);
    }

    [Fact]
    public async Task Hosts_host_and_alerts_show_what_the_watchers_sent()
    {
        var monitor = await StartMonitorAsync(NewPki(watchers: ["web-01", "web-02"]));
        var admin = Admin(monitor);
        await using var web01 = await monitor.ConnectWatcherAsync("web-01");
        await SendHeartbeatAsync(web01);
        await web01.SendAlertAsync("cpu-high");
        await SendAlertsAsync(monitor, "web-02");

        var hosts = await OkAsync(admin, "hosts");
        var host = await OkAsync(admin, "host", "web-01");
        var critical = await OkAsync(admin, "alerts", "--host", "web-01", "--since", "10m", "--severity", "critical", "--limit", "5");
        var info = await OkAsync(admin, "alerts", "--severity", "info");
        var all = await OkAsync(admin, "alerts");

        Assert.Equal(["web-01", "web-02"], hosts.Objects("hosts").Select(h => h.Text("host")));
        var first = hosts.Objects("hosts")[0];
        Assert.Equal((true, true), ((bool?)first["connected"], (bool?)hosts["livenessKnown"]));
        Assert.NotNull(first.Text("lastHeartbeat"));
        Assert.Equal(2UL, (ulong?)first["sequence"]);
        Assert.Equal((1U, "current"), ((uint?)host.Objects("keys")[0]["keyId"], host.Objects("keys")[0].Text("state")));
        var recent = Assert.Single(host.Objects("recentAlerts"));
        Assert.Equal(("cpu-high", "critical", "firing"), (recent.Text("rule"), recent.Text("severity"), recent.Text("state")));
        Assert.Equal("web-01", Assert.Single(critical.Objects("alerts")).Text("host"));
        Assert.Empty(info.Array("alerts"));
        Assert.Equal(2, all.Array("alerts").Count);
    }

    [Fact]
    public async Task Mistakes_are_answered_with_the_usage_and_change_nothing()
    {
        var monitor = await StartMonitorAsync(NewPki(watchers: ["web-01"]));
        var admin = Admin(monitor);

        var unknownHost = await FailsAsync(admin, "host", "nope");
        var badLimit = await FailsAsync(admin, "alerts", "--limit", "0");
        var badOption = await FailsAsync(admin, "incidents", "--opn");
        var unknownCommand = await FailsAsync(admin, "reboot");

        Assert.Contains("unknown host 'nope'", unknownHost.Error);
        Assert.False(unknownHost.UsageError);
        Assert.True(badLimit.UsageError);
        Assert.Contains("usage: alerts", badLimit.Error);
        Assert.Contains("unknown option '--opn'", badOption.Error);
        Assert.Contains("unknown command 'reboot'", unknownCommand.Error);
    }

    [Fact]
    public async Task An_operator_acknowledges_and_resolves_an_incident()
    {
        var monitor = await StartMonitorAsync(NewPki(watchers: ["web-01", "web-02", "web-03"]));
        var admin = Admin(monitor);
        await SendAlertsAsync(monitor, "web-01", "web-02", "web-03");
        var open = await UntilAsync(admin, result => result.Array("incidents").Count == 1, "an open incident", "incidents", "--open");
        var id = open.Objects("incidents")[0].Text("id")!;

        var acknowledged = await OkAsync(admin, "incident.ack", id, "--note", "looking into it");
        var again = await FailsAsync(admin, "incident.ack", id);
        var resolved = await OkAsync(admin, "incident.resolve", id, "--note", "upstream filtered");
        var resolvedAgain = await FailsAsync(admin, "incident.resolve", id);
        var stillOpen = await OkAsync(admin, "incidents", "--open");
        var everything = await OkAsync(admin, "incidents");

        Assert.Equal(("acknowledged", "admin", "looking into it"),
            (acknowledged["incident"].Text("state"), acknowledged["incident"].Text("acknowledgedBy"), acknowledged["incident"].Text("note")));
        Assert.Contains("already acknowledged by admin", again.Error);
        Assert.Equal("resolved", resolved["incident"].Text("state"));
        Assert.NotNull(resolved["incident"].Text("resolvedAt"));
        Assert.Contains("already resolved", resolvedAgain.Error);
        Assert.Empty(stillOpen.Array("incidents"));
        Assert.Equal(["web-01", "web-02", "web-03"], everything.Objects("incidents")[0].Array("hosts").Select(h => (string?)h));
        Assert.Contains("no incident 'INC-nope'", (await FailsAsync(admin, "incident.ack", "INC-nope")).Error);
    }

    [Fact]
    public async Task The_audit_log_records_every_command_with_the_certificate_subject_and_never_a_key()
    {
        var monitor = await StartMonitorAsync(NewPki(watchers: ["web-01"]));
        var admin = Admin(monitor);
        await OkAsync(admin, "hosts");
        await FailsAsync(admin, "alerts", "--limit", "zero");
        await OkAsync(admin, "keys.rotate", "web-01", "--grace", "1h");

        var audit = await OkAsync(admin, "audit", "--since", "1h");

        var entries = audit.Objects("entries");
        Assert.Equal(["keys.rotate", "alerts", "hosts"], entries.Select(entry => entry.Text("command")));
        Assert.All(entries, entry => Assert.StartsWith("CN=admin, serial ", entry.Text("subject")));
        Assert.All(entries, entry => Assert.Equal("admin", entry.Text("role")));
        Assert.Equal([true, false, true], entries.Select(entry => (bool)entry["success"]!));
        Assert.Equal("--limit zero", entries[1].Text("arguments"));
        Assert.StartsWith("failed: --limit 'zero'", entries[1].Text("result"));
        Assert.StartsWith("ok: new key id 2 for web-01", entries[0].Text("result"));
        var newKey = monitor.Pki.LoadWatcher("web-01").Psk!;
        Assert.Equal(2U, newKey.KeyId);
        Assert.DoesNotContain(Convert.ToBase64String(newKey.Key), audit.ToJsonString());
        Assert.DoesNotContain(Convert.ToHexString(newKey.Key), audit.ToJsonString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_result_larger_than_a_frame_arrives_whole()
    {
        var monitor = await StartMonitorAsync(NewPki(watchers: ["web-01"]));
        await using var watcher = await monitor.ConnectWatcherAsync("web-01");
        var summary = string.Concat(Enumerable.Repeat("é€ long summary ", 70)); // multi-byte UTF-8, ~1 KiB each
        for (var index = 0; index < 100; index++)
        {
            var alert = TestWatcherConnection.SampleAlert();
            alert.Alert.Summary = summary;
            TestWatcherConnection.ExpectAck(await watcher.SendEnvelopeAsync(watcher.Seal(alert)), Protocol.Wire.AckStatus.Accepted);
        }

        var result = await Admin(monitor).RunAsync("alerts", ["--limit", "200"], CancellationToken.None);

        Assert.True(result.Reply.Ok, result.Reply.Error);
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(result.Reply.Json) > 2 * Protocol.Wire.FrameLimits.DefaultMaxFrameBytes);
        var alerts = Assert.IsType<JsonObject>(JsonNode.Parse(result.Reply.Json)).Objects("alerts");
        Assert.Equal(100, alerts.Count);
        Assert.All(alerts, alert => Assert.Equal(summary, alert.Text("summary")));
    }
}
