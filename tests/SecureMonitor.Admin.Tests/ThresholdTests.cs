using Akka.Actor;
using Microsoft.Extensions.Logging.Abstractions;
using SecureMonitor.Watcher;
using SecureMonitor.Watcher.Thresholds;

namespace SecureMonitor.Admin.Tests;

/// <summary><c>thresholds set</c> reaching running in-process watchers (real TLS, scripted metrics).</summary>
public sealed class ThresholdTests(ITestOutputHelper output) : AdminTestBase(output), IDisposable
{
    private const string Host = "web-01";

    // The rule the watchers run, and the monitor's baseline under operators' settings: the same.
    private static readonly Dictionary<string, string> CpuRule = new()
    {
        ["id"] = "cpu-high", ["metric"] = "cpu.total", ["warn"] = "50", ["critical"] = "95", ["for"] = "0s",
    };

    private readonly string _data = Directory.CreateTempSubdirectory("sm-admin-watcher-").FullName;
    private volatile int _cpu = 40;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private Task<MonitorHarness> StartMonitorAsync() =>
        StartMonitorAsync(NewPki(watchers: [Host, "web-02"]), new MonitorHarnessOptions { ThresholdBaseline = [CpuRule] });

    private WatcherNode StartWatcher(MonitorHarness monitor) => WatcherNode.Start(new WatcherOptions
    {
        IdentityDirectory = monitor.Pki.Paths.WatcherBundle(Host),
        Monitors = [monitor.Endpoint],
        DataDirectory = _data,
        SamplingInterval = TimeSpan.FromMilliseconds(50),
        HeartbeatInterval = TimeSpan.FromMilliseconds(200),
        MinBackoff = TimeSpan.FromMilliseconds(20),
        MaxBackoff = TimeSpan.FromMilliseconds(100),
        Thresholds = [CpuRule],
    }, NullLoggerFactory.Instance, TimeProvider.System, () => new Dictionary<string, double> { ["cpu.total"] = _cpu });

    [Fact]
    public async Task Thresholds_set_reaches_a_running_watcher_which_acknowledges_and_then_alerts_at_the_new_level()
    {
        var monitor = await StartMonitorAsync();
        var admin = Admin(monitor);
        await using var watcher = StartWatcher(monitor);
        // CPU at 40 is under the configured 50: heartbeats flow, no alert.
        await Eventually.WaitUntilAsync(() => monitor.Sink.AcceptedCount(Host) >= 2, () => "heartbeats from the watcher");
        Assert.Empty(monitor.Sink.RecentAlerts(Host));

        var set = await OkAsync(admin, "thresholds.set", Host, "cpu.total.warn=30", "--wait", "10s");

        var revision = (long)set["revision"]!;
        var pushed = Assert.Single(set.Objects("hosts"));
        Assert.Equal((Host, revision, "acknowledged"), (pushed.Text("host"), (long)pushed["revision"]!, pushed.Text("outcome")));
        await Eventually.WaitUntilAsync(() => monitor.Sink.RecentAlerts(Host).Count >= 1, () => "an alert at the new level");
        var alert = monitor.Sink.RecentAlerts(Host)[0].Alert;
        Assert.Equal(("cpu-high", 30d, 40d), (alert.RuleId, alert.Threshold, alert.Value));
        var states = await watcher.Root.Ask<ThresholdStates>(GetThresholdStates.Instance, Within);
        Assert.Equal(revision, states.Revision);
        var shown = await OkAsync(admin, "thresholds.show", Host);
        Assert.Equal((revision, revision), ((long)shown["revision"]!, (long)shown["appliedRevision"]!));
        var rule = Assert.Single(shown.Objects("rules"));
        Assert.Equal(("cpu-high", 30d, 95d), (rule.Text("id"), (double)rule["warn"]!, (double)rule["critical"]!));
    }

    [Fact]
    public async Task A_watcher_that_connects_later_gets_the_rules_set_while_it_was_away()
    {
        var monitor = await StartMonitorAsync();
        var admin = Admin(monitor);

        var set = await OkAsync(admin, "thresholds.set", "all", "cpu.total.warn=30");
        var revision = (long)set["revision"]!;
        Assert.Empty(set.Array("hosts")); // nobody to push to yet
        await using var watcher = StartWatcher(monitor);

        await Eventually.WaitUntilAsync(() => monitor.Sink.AppliedThresholdsRevision(Host) == revision, () => $"revision {revision} acknowledged on connecting");
        await Eventually.WaitUntilAsync(() => monitor.Sink.RecentAlerts(Host).Count >= 1, () => "an alert at the level set while away");
        Assert.Equal(30d, monitor.Sink.RecentAlerts(Host)[0].Alert.Threshold);
        var shown = await UntilAsync(admin, result => result.Array("applied").Count == 1, "the acknowledgement recorded", "thresholds.show");
        var applied = shown.Objects("applied")[0];
        Assert.Equal((Host, revision, true), (applied.Text("host"), (long)applied["revision"]!, (bool)applied["current"]!));
        Assert.Equal(["cpu.total.warn=30"], shown.Objects("scopes")[0].Array("settings").Select(s => (string?)s));
    }

    [Fact]
    public async Task A_host_that_is_not_connected_is_reported_so_and_settings_are_layered_over_all_hosts()
    {
        var monitor = await StartMonitorAsync();
        var admin = Admin(monitor);
        await SendAlertsAsync(monitor, "web-02"); // known to the monitor, then gone

        await OkAsync(admin, "thresholds.set", "all", "cpu.total.warn=70", "memory.used.critical=90");
        var set = await OkAsync(admin, "thresholds.set", "web-02", "cpu.total.warn=60", "cpu.total.for=10s");
        var forAll = await OkAsync(admin, "thresholds.show", "all");
        var forHost = await OkAsync(admin, "thresholds.show", "web-02");
        var reset = await OkAsync(admin, "thresholds.set", "web-02", "cpu.total.warn=default", "cpu.total.for=default");

        Assert.Equal("not connected (gets it on connecting)", Assert.Single(set.Objects("hosts")).Text("outcome"));
        Assert.Equal(["cpu.total warn 70 critical 95 for 0", "memory.used warn - critical 90 for 0"], Rules(forAll));
        Assert.Equal(["cpu.total warn 60 critical 95 for 10", "memory.used warn - critical 90 for 0"], Rules(forHost));
        Assert.True((long)reset["revision"]! > (long)set["revision"]!);
        Assert.Equal(Rules(forAll), Rules(await OkAsync(admin, "thresholds.show", "web-02")));

        static string[] Rules(JsonObject shown) =>
        [
            .. shown.Objects("rules").Select(rule =>
                $"{rule.Text("metric")} warn {rule["warn"]?.ToJsonString() ?? "-"} critical {rule["critical"]?.ToJsonString() ?? "-"} for {rule["forSeconds"]!.ToJsonString()}"),
        ];
    }

    [Fact]
    public async Task Settings_that_would_make_invalid_rules_are_refused_and_nothing_is_stored()
    {
        var monitor = await StartMonitorAsync();
        var admin = Admin(monitor);

        var aboveCritical = await FailsAsync(admin, "thresholds.set", Host, "cpu.total.warn=99");
        var notANumber = await FailsAsync(admin, "thresholds.set", Host, "cpu.total.warn=high");
        var unknownMetric = await FailsAsync(admin, "thresholds.set", Host, "cpu.totl.warn=80");
        var unknownLevel = await FailsAsync(admin, "thresholds.set", Host, "cpu.total.panic=80");
        var unknownHost = await FailsAsync(admin, "thresholds.set", "db-99", "cpu.total.warn=80");

        Assert.Contains("critical (95) must be above warn (99)", aboveCritical.Error);
        Assert.True(notANumber.UsageError);
        Assert.Contains("'cpu.totl' is not a metric the watchers sample", unknownMetric.Error);
        Assert.Contains("'panic'", unknownLevel.Error);
        Assert.Contains("unknown host 'db-99'", unknownHost.Error);
        Assert.Empty((await OkAsync(admin, "thresholds.show")).Array("scopes"));
    }
}
