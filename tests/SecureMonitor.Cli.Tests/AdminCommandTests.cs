using SecureMonitor.TestKit;
using Microsoft.Extensions.Configuration;
using SecureMonitor.Cli.Hosting;
using SecureMonitor.Configuration;
using Xunit;

namespace SecureMonitor.Cli.Tests;

/// <summary><c>securemonitor admin</c> before it reaches a monitor: flags, identity, configuration.</summary>
public sealed class AdminCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sm-admin-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_malformed_monitor_endpoint_is_a_usage_error()
    {
        var run = await CliRun.InvokeAsync("admin", "--monitor", "nowhere", "status");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("--monitor", run.Error);
    }

    [Fact]
    public async Task A_missing_identity_bundle_is_a_data_error_that_names_it()
    {
        var identity = Path.Combine(_directory, "no-such-admin");

        var run = await CliRun.InvokeAsync("admin", "--identity", identity, "--monitor", "127.0.0.1:9", "status");

        Assert.Equal(ExitCodes.DataError, run.ExitCode);
        Assert.Contains(identity, run.Error);
    }

    [Fact]
    public async Task An_unknown_time_zone_is_a_usage_error()
    {
        var run = await CliRun.InvokeAsync("admin", "--time-zone", "Mars/Olympus", "status");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("Mars/Olympus", run.Error);
    }

    [Fact]
    public async Task Help_lists_every_console_command_without_a_monitor()
    {
        var pki = Path.Combine(_directory, "pki");
        Assert.Equal(ExitCodes.Ok, (await CliRun.InvokeAsync("pki", "init", "--dir", pki)).ExitCode);

        var run = await CliRun.InvokeAsync("admin", "--identity", Path.Combine(pki, "admins", "admin"), "--monitor", "127.0.0.1:9", "help");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        foreach (var command in new[] { "status", "cluster members", "cluster leader", "hosts", "host <id>", "alerts", "incidents", "incident ack",
                     "incident resolve", "thresholds show", "thresholds set", "keys rotate", "keys revoke", "tail", "audit" })
        {
            Assert.Contains(command, run.Output);
        }
    }

    [Fact]
    public void The_monitors_threshold_baseline_is_the_rule_set_the_watchers_ship_with()
    {
        var monitor = NodeConfiguration.Load(RepositoryRoot.File("hocon", "monitor.conf")).GetObjectList("monitor:thresholds:baseline");
        var watcher = NodeConfiguration.Load(RepositoryRoot.File("hocon", "watcher.conf")).GetObjectList("watcher:thresholds");

        Assert.NotEmpty(monitor);
        Assert.Equal(watcher.Select(Describe), monitor.Select(Describe));

        static string Describe(IReadOnlyDictionary<string, string> rule) =>
            string.Join(", ", rule.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key}={pair.Value}"));
    }

    [Fact]
    public void The_shipped_idle_timeout_outlasts_many_watcher_heartbeats()
    {
        var monitor = SecureMonitor.Monitor.MonitorOptions.FromConfiguration(NodeConfiguration.Load(RepositoryRoot.File("hocon", "monitor.conf")));
        var heartbeat = NodeConfiguration.Load(RepositoryRoot.File("hocon", "watcher.conf")).GetDuration("watcher:heartbeat-interval", TimeSpan.Zero);

        // A watcher is closed as silent only after missing many heartbeats in a row, never for one late one.
        Assert.True(heartbeat > TimeSpan.Zero);
        Assert.True(monitor.IdleTimeout >= heartbeat * 10, $"idle-timeout {monitor.IdleTimeout} against heartbeats every {heartbeat}");
    }
}
