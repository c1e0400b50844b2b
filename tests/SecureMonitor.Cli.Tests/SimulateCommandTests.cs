using SecureMonitor.Analysis.Correlation;
using SecureMonitor.Analysis.Liveness;
using SecureMonitor.TestKit.Monitors;
using SecureMonitor.TestKit.Processes;
using Xunit;

namespace SecureMonitor.Cli.Tests;

/// <summary><c>securemonitor simulate</c>: its exit codes, against a real monitor node over TLS 1.3 on loopback.</summary>
public sealed class SimulateCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sm-simulate-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>The monitor settings the simulator is told about (a node may run with others).</summary>
    private string MonitorConfig(int hostMessagesPerSecond = 50)
    {
        var file = Path.Combine(_directory, "monitor.conf");
        File.WriteAllText(file, $$"""
            monitor {
              node-id = "test", listen = "127.0.0.1:7800", pki-dir = ".", data-dir = "."
              correlation { min-hosts = 3, window = 10s, storm-alerts = 20, quiet-period = 60s }
              liveness { down-after = 3s }
              limits { host-alerts-per-second = {{hostMessagesPerSecond}} }
              security { tamper-threshold = 3, tamper-window = 60s }
              cluster { hostname = "127.0.0.1", port = 0 }
            }
            """);
        return file;
    }

    private static Task<MonitorHarness> StartMonitorAsync(PkiFixture pki, int hostMessagesPerSecond) => MonitorHarness.StartAsync(pki, new MonitorHarnessOptions
    {
        Correlation = new CorrelationOptions { MinHosts = 3, Window = TimeSpan.FromSeconds(10), StormAlerts = 20, QuietPeriod = TimeSpan.FromSeconds(60) },
        Liveness = new HostLivenessOptions { DownAfter = TimeSpan.FromSeconds(3) },
        HostMessagesPerSecond = hostMessagesPerSecond,
        TamperThreshold = 3,
    });

    [Fact]
    public async Task Help_names_every_scenario()
    {
        var run = await CliRun.InvokeAsync("simulate", "--help");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("normal|dos|storm|tamper|replay|flapping|silence", run.Output);
    }

    [Theory]
    [InlineData("--scenario", "earthquake")]
    [InlineData("--watchers", "0")]
    [InlineData("--duration", "soon")]
    [InlineData("--duration", "5s")]
    [InlineData("--monitor", "nowhere")]
    [InlineData("--incidents-webhook", "10.0.0.1:9000")]
    public async Task A_bad_argument_is_a_usage_error(string option, string value)
    {
        using var pki = new PkiFixture();
        var arguments = new Dictionary<string, string>
        {
            ["--monitor"] = $"127.0.0.1:{LoopbackPort.Free()}",
            ["--pki"] = pki.Root,
            ["--scenario"] = "dos",
            ["--monitor-config"] = MonitorConfig(),
            [option] = value,
        };

        var run = await CliRun.InvokeAsync(["simulate", .. arguments.SelectMany(pair => new[] { pair.Key, pair.Value })]);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains(option == "--duration" && value == "5s" ? "--duration of at least" : option, run.Error);
    }

    [Fact]
    public async Task A_pki_directory_without_a_ca_is_a_data_error()
    {
        var run = await CliRun.InvokeAsync("simulate", "--monitor", "127.0.0.1:7800", "--pki", _directory, "--scenario", "normal");

        Assert.Equal(ExitCodes.DataError, run.ExitCode);
        Assert.Contains("pki init", run.Error);
    }

    [Fact]
    public async Task An_unreachable_monitor_exits_69_and_issues_nothing()
    {
        using var pki = new PkiFixture();
        var port = LoopbackPort.Free();

        var run = await CliRun.InvokeAsync("simulate", "--monitor", $"127.0.0.1:{port}", "--pki", pki.Root, "--scenario", "normal",
            "--duration", "10s", "--monitor-config", MonitorConfig());

        Assert.Equal(ExitCodes.Unavailable, run.ExitCode);
        Assert.Contains($"cannot reach the monitor at 127.0.0.1:{port}", run.Error);
        Assert.False(Directory.Exists(Path.Combine(pki.Root, "watchers")), "no watcher identity should have been issued");
        Assert.Equal(["admin"], Directory.GetDirectories(Path.Combine(pki.Root, "admins")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_monitor_that_reacts_as_expected_exits_0_and_the_virtual_identities_are_withdrawn()
    {
        using var pki = new PkiFixture();
        await using var monitor = await StartMonitorAsync(pki, hostMessagesPerSecond: 50);

        var run = await CliRun.InvokeAsync("simulate", "--monitor", monitor.Endpoint.ToString(), "--pki", pki.Root, "--scenario", "tamper",
            "--watchers", "3", "--duration", "8s", "--heartbeat", "1s", "--progress", "2s", "--monitor-config", MonitorConfig());

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Output + run.Error);
        Assert.Contains("connected 3 of 3 virtual watcher(s) over TLS 1.3", run.Output);
        Assert.Matches(@"\[\s*\d+s\] connected 3/3  sent \d+  accepted \d+", run.Output);
        Assert.Contains("summary of tamper", run.Output);
        Assert.Contains("PASS  monitor counters", run.Output);
        // Without a way to see security alerts or incidents (no webhook here) the simulator says so instead of passing.
        Assert.Contains("N/A   tampering alert", run.Output);
        Assert.Contains("result: the monitor reacted as expected; 2 check(s) could not be observed (tampering alert, one incident)", run.Output);
        Assert.Empty(Directory.GetDirectories(Path.Combine(pki.Root, "watchers")));
        Assert.All(pki.Directory.List().Certificates.Where(listed => listed.Certificate.Name.StartsWith("sim-", StringComparison.Ordinal)),
            listed => Assert.True(listed.Revoked, $"{listed.Certificate.Name} should be revoked"));
    }

    [Fact]
    public async Task A_monitor_that_does_not_react_as_expected_exits_1_and_says_what_differed()
    {
        using var pki = new PkiFixture();
        // The node lets 500 messages/s through per host; the simulator is told 50/s, so it expects back-pressure that never comes.
        await using var monitor = await StartMonitorAsync(pki, hostMessagesPerSecond: 500);

        var run = await CliRun.InvokeAsync("simulate", "--monitor", monitor.Endpoint.ToString(), "--pki", pki.Root, "--scenario", "storm",
            "--watchers", "2", "--duration", "8s", "--heartbeat", "1s", "--monitor-config", MonitorConfig(hostMessagesPerSecond: 50));

        Assert.True(run.ExitCode == ExitCodes.Failure, run.Output + run.Error);
        Assert.Contains("FAIL  back-pressure", run.Output);
        Assert.Contains("PASS  nothing lost", run.Output);
        Assert.Contains("result: NOT as expected: back-pressure failed", run.Output);
    }
}
