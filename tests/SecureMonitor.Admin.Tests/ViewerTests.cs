namespace SecureMonitor.Admin.Tests;

/// <summary>A viewer certificate reads everything and changes nothing; every refusal is audited.</summary>
public sealed class ViewerTests(ITestOutputHelper output) : AdminTestBase(output)
{
    public static TheoryData<string, string[]> Changes => new()
    {
        { "incident.ack", ["INC-1"] },
        { "incident.resolve", ["INC-1", "--note", "done"] },
        { "thresholds.set", ["all", "cpu.total.warn=70"] },
        { "keys.rotate", ["web-01"] },
        { "keys.revoke", ["web-01"] },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public async Task A_viewer_is_refused_every_change_and_the_refusal_is_audited(string command, string[] arguments)
    {
        var pki = NewPki(watchers: ["web-01"], viewers: ["victor"]);
        var monitor = await StartMonitorAsync(pki);
        var viewer = Client(pki, "victor", monitor);

        var refused = await FailsAsync(viewer, command, arguments);

        Assert.Equal(RejectionReason.WrongRole, refused.Refusal);
        Assert.Contains("a viewer certificate may only read", refused.Error);
        Assert.Equal(1, monitor.RejectionCount("viewer:victor", RejectionReason.WrongRole));
        var entry = Assert.Single((await OkAsync(Admin(monitor), "audit")).Objects("entries"));
        Assert.Equal((command, "viewer", false), (entry.Text("command"), entry.Text("role"), (bool)entry["success"]!));
        Assert.StartsWith("CN=victor, serial ", entry.Text("subject"));
        Assert.StartsWith("refused (wrong_role)", entry.Text("result"));
        Assert.Equal(string.Join(' ', arguments), entry.Text("arguments"));
        // Nothing changed: the key is the first one, no thresholds were stored.
        Assert.Equal(1U, pki.LoadWatcher("web-01").Psk!.KeyId);
        Assert.Empty((await OkAsync(viewer, "thresholds.show")).Array("scopes"));
    }

    [Fact]
    public async Task A_viewer_reads_everything()
    {
        var pki = NewPki(watchers: ["web-01"], viewers: ["victor"]);
        var monitor = await StartMonitorAsync(pki);
        await SendAlertsAsync(monitor, "web-01");
        var viewer = Client(pki, "victor", monitor);

        foreach (var (command, arguments) in new (string, string[])[]
        {
            ("status", []), ("cluster.members", []), ("cluster.leader", []), ("hosts", []), ("host", ["web-01"]), ("alerts", ["--since", "1h"]),
            ("incidents", ["--open"]), ("thresholds.show", ["web-01"]), ("audit", []),
        })
        {
            await OkAsync(viewer, command, arguments);
        }
        await foreach (var item in viewer.StreamAsync("tail", [], new CancellationToken(canceled: true)))
        {
            Assert.True(item.Reply.Ok, item.Reply.Error);
        }
        Assert.Equal(0, monitor.TotalRejections());
    }
}
