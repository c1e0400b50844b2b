using SecureMonitor.Analysis.Thresholds;
using Xunit;
using static SecureMonitor.Analysis.Tests.Thresholds.Timeline;

namespace SecureMonitor.Analysis.Tests.Thresholds;

public sealed class ThresholdRuleValidationTests
{
    [Theory]
    [InlineData("cpu-high")]
    [InlineData("0")]
    [InlineData("disk.root_free-2")]
    [InlineData("a23456789012345678901234567890123456789012345678901234567890123")] // 63 characters
    public void Well_formed_ids_are_accepted(string id)
    {
        Assert.Empty((Cpu() with { Id = id }).Validate());
    }

    [Theory]
    [InlineData("")]
    [InlineData("cpu\n")]         // '$' would accept this; '\z' does not
    [InlineData("CPU")]
    [InlineData("-cpu")]
    [InlineData(".cpu")]
    [InlineData("cpu high")]
    [InlineData("cpu/high")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234")] // 64 characters
    public void Malformed_ids_are_rejected(string id)
    {
        string error = Assert.Single((Cpu() with { Id = id }).Validate());

        Assert.StartsWith("id '", error);
        Assert.DoesNotContain("\n", error);
    }

    [Fact]
    public void A_rule_without_any_level_is_rejected()
    {
        Assert.Equal(["a rule needs a warn level, a critical level, or both"], Cpu(warn: null, critical: null).Validate());
    }

    [Fact]
    public void Critical_must_be_above_warn_for_an_above_rule_and_the_error_says_so_in_plain_words()
    {
        Assert.Equal(["critical (80) must be above warn (90) for an 'above' rule"], Cpu(warn: 90, critical: 80).Validate());
        Assert.Equal(["critical (90) must be above warn (90) for an 'above' rule"], Cpu(warn: 90, critical: 90).Validate());
    }

    [Fact]
    public void Critical_must_be_below_warn_for_a_below_rule()
    {
        Assert.Equal(["critical (20) must be below warn (10) for a 'below' rule"],
            Cpu(warn: 10, critical: 20, direction: ThresholdDirection.Below).Validate());
        Assert.Empty(Cpu(warn: 20, critical: 10, direction: ThresholdDirection.Below).Validate());
    }

    [Fact]
    public void Negative_times_negative_hysteresis_and_non_finite_levels_are_each_reported()
    {
        ThresholdRule rule = Cpu(warn: double.NaN, critical: double.PositiveInfinity, forSeconds: -1, hysteresis: -0.5, cooldownSeconds: -2);

        Assert.Equal(
            [
                "warn (NaN) must be a finite number",
                "critical (Infinity) must be a finite number",
                "for (-00:00:01) must not be negative",
                "hysteresis (-0.5) must be a finite number, zero or more",
                "cooldown (-00:00:02) must not be negative",
            ],
            rule.Validate());
    }

    [Fact]
    public void A_metric_with_spaces_or_control_characters_is_rejected()
    {
        Assert.Single(Cpu(metric: "cpu total").Validate());
        Assert.Single(Cpu(metric: "cpu\u0000").Validate());
        Assert.Equal(["metric is required"], Cpu(metric: "").Validate());
    }

    [Fact]
    public void An_evaluator_refuses_an_invalid_rule()
    {
        var error = Assert.Throws<ArgumentException>(() => new ThresholdEvaluator(Cpu(warn: null)));

        Assert.Contains("a rule needs a warn level", error.Message);
    }
}

public sealed class ThresholdRuleSetTests
{
    private static Dictionary<string, string> Entry(params (string Key, string Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => p.Value);

    [Fact]
    public void The_rules_shipped_in_watcher_conf_parse()
    {
        ThresholdRuleSetResult result = ThresholdRuleSet.Parse(7,
        [
            Entry(("id", "cpu-high"), ("metric", "cpu.total"), ("warn", "85"), ("critical", "95"), ("for", "30s"), ("hysteresis", "5"), ("cooldown", "5m")),
            Entry(("id", "memory-high"), ("metric", "memory.used"), ("warn", "85"), ("critical", "95"), ("for", "30s"), ("hysteresis", "5"), ("cooldown", "5m")),
            Entry(("id", "syn-backlog"), ("metric", "tcp.syn_recv"), ("warn", "256"), ("critical", "1024"), ("for", "5s"), ("hysteresis", "32"), ("cooldown", "1m")),
        ]);

        Assert.Empty(result.Errors);
        ThresholdRuleSet set = Assert.IsType<ThresholdRuleSet>(result.RuleSet);
        Assert.Equal(7, set.Revision);
        Assert.Equal(["cpu-high", "memory-high", "syn-backlog"], set.Rules.Select(r => r.Id));
        Assert.Equal(
            new ThresholdRule
            {
                Id = "syn-backlog", Metric = "tcp.syn_recv", Warn = 256, Critical = 1024, Direction = ThresholdDirection.Above,
                For = TimeSpan.FromSeconds(5), Hysteresis = 32, Cooldown = TimeSpan.FromMinutes(1),
            },
            set.Find("syn-backlog"));
    }

    [Fact]
    public void A_below_rule_with_only_a_critical_level_and_upper_case_keys_parses()
    {
        ThresholdRuleSetResult result = ThresholdRuleSet.Parse(1,
            [Entry(("ID", "disk-free"), ("Metric", "disk.root.free_percent"), ("Critical", "5"), ("Direction", "Below"), ("For", "1.5 minutes"))]);

        ThresholdRule rule = Assert.Single(Assert.IsType<ThresholdRuleSet>(result.RuleSet).Rules);
        Assert.Equal((ThresholdDirection.Below, (double?)null, (double?)5, TimeSpan.FromSeconds(90)), (rule.Direction, rule.Warn, rule.Critical, rule.For));
    }

    [Fact]
    public void Duplicate_ids_are_rejected_naming_both_rules()
    {
        ThresholdRuleSetResult result = ThresholdRuleSet.Parse(1,
        [
            Entry(("id", "cpu-high"), ("metric", "cpu.total"), ("warn", "85")),
            Entry(("id", "mem-high"), ("metric", "memory.used"), ("warn", "85")),
            Entry(("id", "cpu-high"), ("metric", "cpu.user"), ("warn", "50")),
        ]);

        Assert.False(result.Succeeded);
        Assert.Equal(
            ["rule 2 (id 'cpu-high'), key 'id': duplicate id 'cpu-high': already used by rule 0"],
            result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Typed_rules_with_duplicate_ids_are_rejected_too()
    {
        ThresholdRuleSetResult result = ThresholdRuleSet.Create(1, [Cpu(), Cpu(warn: 50)]);

        ThresholdRuleError error = Assert.Single(result.Errors);
        Assert.Equal((1, "cpu-high", "id"), (error.Index, error.RuleId, error.Key));
    }

    [Fact]
    public void Every_error_names_the_rule_index_its_id_and_the_key()
    {
        ThresholdRuleSetResult result = ThresholdRuleSet.Parse(1,
        [
            Entry(("id", "ok"), ("metric", "cpu.total"), ("warn", "1")),
            Entry(("id", "cpu-high"), ("metric", "cpu.total"), ("warn", "90"), ("critical", "80")),
            Entry(("id", "mem-high"), ("metric", "memory.used"), ("warn", "9O"), ("for", "30"), ("cooldown", "soon"), ("direction", "up"), ("critcal", "95")),
            Entry(("metric", "x"), ("warn", "")),
        ]);

        Assert.Null(result.RuleSet);
        Assert.Equal(
            [
                "rule 1 (id 'cpu-high'), key 'critical': critical (80) must be above warn (90) for an 'above' rule",
                "rule 2 (id 'mem-high'), key 'critcal': unknown key 'critcal' (known: id, metric, warn, critical, direction, for, hysteresis, cooldown)",
                "rule 2 (id 'mem-high'), key 'warn': warn '9O' is not a finite number",
                "rule 2 (id 'mem-high'), key 'for': for '30' needs a unit (ms, s, m, h or d), e.g. '30s'",
                "rule 2 (id 'mem-high'), key 'cooldown': cooldown 'soon' is not a duration (a number and a unit: ms, s, m, h or d, e.g. '30s')",
                "rule 2 (id 'mem-high'), key 'direction': direction 'up' must be 'above' or 'below'",
                "rule 3, key 'id': id is required",
                "rule 3, key 'warn': warn is empty; leave the key out instead",
            ],
            result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void A_malformed_id_is_reported_without_echoing_control_characters()
    {
        ThresholdRuleSetResult result = ThresholdRuleSet.Parse(1, [Entry(("id", "cpu\nhigh"), ("metric", "cpu.total"), ("warn", "1"))]);

        string error = Assert.Single(result.Errors).ToString();
        Assert.DoesNotContain("\n", error);
        Assert.Contains("cpu\\u000ahigh", error);
    }

    [Fact]
    public void A_negative_revision_is_rejected()
    {
        ThresholdRuleSetResult result = ThresholdRuleSet.Create(-1, []);

        Assert.Equal(["rule set, key 'revision': revision (-1) must not be negative"], result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void An_empty_set_is_valid()
    {
        Assert.Empty(Assert.IsType<ThresholdRuleSet>(ThresholdRuleSet.Parse(3, []).RuleSet).Rules);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("500ms", 0.5)]
    [InlineData("30s", 30)]
    [InlineData("30 seconds", 30)]
    [InlineData("5m", 300)]
    [InlineData("1.5h", 5400)]
    [InlineData("1d", 86400)]
    [InlineData("250 MS", 0.25)]
    [InlineData(" 2 Minutes ", 120)]
    public void Durations_are_read_as_hocon_writes_them(string text, double seconds)
    {
        ThresholdRuleSetResult result = ThresholdRuleSet.Parse(1, [Entry(("id", "r"), ("metric", "m"), ("warn", "1"), ("for", text))]);

        Assert.Equal(TimeSpan.FromSeconds(seconds), Assert.Single(Assert.IsType<ThresholdRuleSet>(result.RuleSet).Rules).For);
    }

    [Theory]
    [InlineData("-5s")]
    [InlineData("5 fortnights")]
    [InlineData("400d")]
    [InlineData("1e3s")]
    [InlineData("1.s")]
    [InlineData(".5s")]
    [InlineData("5 s s")]
    [InlineData("5sec")]
    [InlineData("٥s")] // a non-ASCII digit
    public void Malformed_or_absurd_durations_are_rejected(string text)
    {
        ThresholdRuleSetResult result = ThresholdRuleSet.Parse(1, [Entry(("id", "r"), ("metric", "m"), ("warn", "1"), ("cooldown", text))]);

        Assert.Equal("cooldown", Assert.Single(result.Errors).Key);
    }
}
