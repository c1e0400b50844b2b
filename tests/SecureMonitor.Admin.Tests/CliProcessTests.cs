using SecureMonitor.TestKit.Processes;

namespace SecureMonitor.Admin.Tests;

/// <summary>The real <c>securemonitor admin</c> process against a monitor node: output and exit codes.</summary>
public sealed class CliProcessTests(ITestOutputHelper output) : AdminTestBase(output)
{
    private async Task<(int ExitCode, IReadOnlyList<string> Lines)> RunAsync(MonitorHarness monitor, string identity, string? standardInput,
        params string[] arguments)
    {
        await using var process = SecureMonitorProcess.Start(
            ["admin", "--identity", monitor.Pki.Paths.AdminBundle(identity), "--monitor", monitor.Endpoint.ToString(), .. arguments],
            new Dictionary<string, string> { ["SM_ADMIN_TIME_ZONE"] = "UTC" }, standardInput: standardInput);
        var exit = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Output.WriteLine($"securemonitor admin {string.Join(' ', arguments)} -> {exit}\n{string.Join('\n', process.Lines)}");
        return (exit, process.Lines);
    }

    [Fact]
    public async Task Admin_json_hosts_prints_the_hosts_as_json_and_exits_0()
    {
        var monitor = await StartMonitorAsync(NewPki(watchers: ["web-01", "web-02"]));
        await SendAlertsAsync(monitor, "web-01", "web-02");

        var (exit, lines) = await RunAsync(monitor, PkiDirectory.DefaultAdminName, null, "--json", "hosts");

        Assert.Equal(0, exit);
        var result = Assert.IsType<JsonObject>(JsonNode.Parse(Assert.Single(lines)));
        Assert.Equal(["web-01", "web-02"], result.Objects("hosts").Select(host => host.Text("host")));
    }

    [Fact]
    public async Task A_change_refused_to_a_viewer_exits_1_with_the_refusal_as_json()
    {
        var pki = NewPki(watchers: ["web-01"], viewers: ["victor"]);
        var monitor = await StartMonitorAsync(pki);

        var (exit, lines) = await RunAsync(monitor, "victor", null, "--json", "keys", "revoke", "web-01");

        Assert.Equal(1, exit);
        var refusal = Assert.IsType<JsonObject>(JsonNode.Parse(lines.First(line => line.StartsWith('{'))));
        Assert.Equal((false, "wrong_role"), ((bool)refusal["ok"]!, refusal.Text("refusal")));
        Assert.Contains(lines, line => line.StartsWith("error: refused (wrong_role)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Exit_codes_tell_a_usage_mistake_from_an_unreachable_monitor()
    {
        var monitor = await StartMonitorAsync(NewPki(watchers: ["web-01"]));

        var (unknownCommand, _) = await RunAsync(monitor, PkiDirectory.DefaultAdminName, null, "reboot", "now");
        var (badArgument, _) = await RunAsync(monitor, PkiDirectory.DefaultAdminName, null, "alerts", "--limit", "lots");
        var port = LoopbackPort.Free();
        await using var nowhere = SecureMonitorProcess.Start(["admin", "--identity", monitor.Pki.Paths.AdminBundle("admin"), "--monitor", $"127.0.0.1:{port}", "status"]);
        var unreachable = await nowhere.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal((64, 64, 69), (unknownCommand, badArgument, unreachable));
    }

    [Fact]
    public async Task The_console_reads_commands_from_standard_input_when_it_is_not_a_terminal()
    {
        var monitor = await StartMonitorAsync(NewPki(watchers: ["web-01"]));
        await SendAlertsAsync(monitor, "web-01");

        var (exit, lines) = await RunAsync(monitor, PkiDirectory.DefaultAdminName, "status\nhosts\nbogus\nalerts --host web-01\nexit\nstatus\n");

        Assert.Equal(0, exit);
        var text = string.Join('\n', lines);
        Assert.Matches(@"role\s+leader", text);
        Assert.Contains("│ web-01 │", text);
        Assert.Contains("unknown command 'bogus'", text);
        Assert.Contains("times in UTC", text);
        Assert.Equal(["status", "hosts", "alerts"],
            (await monitor.Node.Store.ListAuditAsync(null, 10)).Reverse().Select(entry => entry.Record.Command)); // nothing after exit
    }
}
