using SecureMonitor.Monitor.Thresholds;
using SecureMonitor.Storage;

namespace SecureMonitor.Monitor.Tests.Admin;

/// <summary>The layers behind <c>thresholds set</c>: baseline, all hosts, one host.</summary>
public sealed class ThresholdPlanTests
{
    private static readonly IReadOnlyList<IReadOnlyDictionary<string, string>> Baseline =
    [
        new Dictionary<string, string> { ["id"] = "cpu-high", ["metric"] = "cpu.total", ["warn"] = "85", ["critical"] = "95", ["for"] = "30s" },
        new Dictionary<string, string> { ["id"] = "syn-backlog", ["metric"] = "tcp.syn_recv", ["warn"] = "256", ["critical"] = "1024" },
    ];

    private static ThresholdSettingsRecord Scope(string scope, long revision, params string[] settings) =>
        new(scope, revision, settings, "CN=admin", DateTimeOffset.UnixEpoch);

    private static ThresholdSetting Setting(string text) =>
        ThresholdSetting.TryParse(text, out var setting, out var error) ? setting : throw new InvalidOperationException(error);

    [Fact]
    public void A_host_runs_the_baseline_under_the_all_hosts_settings_under_its_own()
    {
        var plan = new ThresholdPlan(Baseline, [Scope(ThresholdSettingsRecord.AllHosts, 10, "cpu.total.warn=70"), Scope("web-01", 20, "cpu.total.warn=60", "load.1.critical=8")]);

        var web01 = plan.RulesFor("web-01").RuleSet!;
        var web02 = plan.RulesFor("web-02").RuleSet!;

        Assert.Equal((20, 10), (web01.Revision, web02.Revision));
        Assert.Equal(60, web01.Find("cpu-high")!.Warn);
        Assert.Equal(TimeSpan.FromSeconds(30), web01.Find("cpu-high")!.For);
        Assert.Equal(8, web01.Find("load.1")!.Critical);
        Assert.Null(web02.Find("load.1"));
        Assert.Equal(70, web02.Find("cpu-high")!.Warn);
        Assert.Equal(10, plan.RevisionFor(null));
    }

    [Fact]
    public void None_removes_a_level_and_both_removed_stop_watching_the_metric()
    {
        var plan = new ThresholdPlan(Baseline, [Scope("web-01", 5, "tcp.syn_recv.warn=none", "tcp.syn_recv.critical=none", "cpu.total.warn=none")]);

        var rules = plan.RulesFor("web-01").RuleSet!;

        Assert.Equal(["cpu-high"], rules.Rules.Select(rule => rule.Id));
        Assert.Null(rules.Find("cpu-high")!.Warn);
    }

    [Fact]
    public void Merging_replaces_a_setting_of_the_same_metric_and_key_and_default_removes_it()
    {
        var merged = ThresholdPlan.Merge(["cpu.total.warn=70", "memory.used.warn=80"],
            [Setting("cpu.total.warn=75"), Setting("memory.used.warn=default"), Setting("cpu.total.for=1m")]);

        Assert.Equal(["cpu.total.warn=75", "cpu.total.for=1m"], merged);
    }

    [Fact]
    public void Rules_that_do_not_validate_are_reported_not_pushed()
    {
        var plan = new ThresholdPlan(Baseline, [Scope(ThresholdSettingsRecord.AllHosts, 1, "cpu.total.warn=99")]);

        var result = plan.RulesFor("web-01");

        Assert.False(result.Succeeded);
        Assert.Contains("critical (95) must be above warn (99)", Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void Nothing_is_pushed_to_a_host_no_setting_covers()
    {
        var plan = new ThresholdPlan(Baseline, [Scope("web-01", 3, "cpu.total.warn=70")]);

        Assert.Equal(0, plan.RevisionFor("web-02"));
        Assert.Equal(3, plan.RevisionFor("web-01"));
    }

    [Theory]
    [InlineData("cpu.total.warn=80", true)]
    [InlineData("net.eth0.rx_bytes.critical=1e9", true)]
    [InlineData("cpu.total.cooldown=5m", true)]
    [InlineData("cpu.total.direction=below", true)]
    [InlineData("cpu.total.warn=default", true)]
    [InlineData("cpu.total.hysteresis=none", false)]
    [InlineData("cpu.total.direction=up", false)]
    [InlineData("cpu.total.for=soon", false)]
    [InlineData("cpu.total.warn", false)]
    [InlineData("cpu.total=80", false)]
    [InlineData("gpu.total.warn=80", false)]
    public void Settings_are_checked_against_the_watchers_metric_names_and_each_keys_values(string text, bool valid)
    {
        Assert.Equal(valid, ThresholdSetting.TryParse(text, out _, out var error));
        Assert.Equal(valid, error.Length == 0);
    }
}
