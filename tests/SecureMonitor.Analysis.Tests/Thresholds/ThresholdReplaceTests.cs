using SecureMonitor.Analysis.Thresholds;
using Xunit;
using static SecureMonitor.Analysis.Tests.Thresholds.Timeline;

namespace SecureMonitor.Analysis.Tests.Thresholds;

public sealed class RuleReplacementTests
{
    [Fact]
    public void A_rule_replaced_while_pending_restarts_the_sustain_time_and_fires_at_the_new_level_on_time()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80, forSeconds: 10));
        Assert.Empty(evaluator.Hold(0, 6, 90));

        Assert.Empty(evaluator.Replace(Cpu(warn: 85, forSeconds: 10), At(7)));
        Assert.Equal(At(7), evaluator.Snapshot().WarnPendingSince);

        Assert.Empty(evaluator.Hold(7, 16, 90));                 // the old start (0) would have fired at 10
        var fired = Assert.IsType<Fired>(Assert.Single(evaluator.Observe(90, At(17))));
        Assert.Equal((85.0, At(17), At(7)), (fired.Level, fired.At, fired.PendingSince));
    }

    [Fact]
    public void A_pending_breach_that_no_longer_breaches_the_new_level_is_dropped_silently()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80, forSeconds: 10));
        evaluator.Hold(0, 5, 90);

        Assert.Empty(evaluator.Replace(Cpu(warn: 95, forSeconds: 10), At(6)));

        Assert.Equal(ThresholdPhase.Inactive, evaluator.Snapshot().Phase);
    }

    [Fact]
    public void A_rule_replaced_while_firing_stays_firing_without_firing_again_if_the_new_level_still_holds()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80, hysteresis: 5));
        evaluator.Observe(90, At(0));

        Assert.Empty(evaluator.Replace(Cpu(warn: 92, hysteresis: 5), At(1)));   // 90 >= 92 - 5: holds
        Assert.Equal(ThresholdPhase.Firing, evaluator.Snapshot().Phase);
        Assert.Equal(At(0), evaluator.Snapshot().FiringSince);

        var resolved = Assert.IsType<Resolved>(Assert.Single(evaluator.Observe(86, At(2))));
        Assert.Equal((92.0, ResolveReason.Cleared, At(0)), (resolved.Level, resolved.Reason, resolved.FiringSince));
    }

    [Fact]
    public void A_rule_replaced_while_firing_resolves_when_the_new_levels_no_longer_hold()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80));
        evaluator.Observe(90, At(0));

        var resolved = Assert.IsType<Resolved>(Assert.Single(evaluator.Replace(Cpu(warn: 95), At(30))));

        Assert.Equal(
            new Resolved("cpu-high", "cpu.total", Severity.Warning, 90, 80, At(30), At(0), ResolveReason.RuleReplaced),
            resolved);
        Assert.Equal(ThresholdPhase.Inactive, evaluator.Snapshot().Phase);
    }

    [Fact]
    public void A_rule_replaced_while_firing_critical_deescalates_when_only_the_new_critical_level_no_longer_holds()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80, critical: 90));
        evaluator.Observe(92, At(0));

        var down = Assert.IsType<Deescalated>(Assert.Single(evaluator.Replace(Cpu(warn: 80, critical: 95), At(1))));

        Assert.Equal((Severity.Critical, Severity.Warning, 80.0), (down.From, down.To, down.Level));
    }

    [Fact]
    public void A_rule_replaced_while_firing_warning_escalates_after_for_under_the_new_critical_level()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80, critical: 95, forSeconds: 5));
        evaluator.Hold(0, 5, 92);                                 // warning fires at 5

        Assert.Empty(evaluator.Replace(Cpu(warn: 80, critical: 90, forSeconds: 5), At(6)));
        Assert.Equal(At(6), evaluator.Snapshot().CriticalPendingSince);
        Assert.Empty(evaluator.Hold(7, 10, 92));

        var up = Assert.IsType<Escalated>(Assert.Single(evaluator.Observe(92, At(11))));
        Assert.Equal((At(11), At(5)), (up.At, up.FiringSince));
    }

    [Fact]
    public void A_breach_held_back_by_cooldown_restarts_its_sustain_time_when_the_rule_is_replaced()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80, forSeconds: 2, cooldownSeconds: 60));
        evaluator.Hold(0, 2, 90);
        evaluator.Observe(50, At(3));
        Assert.IsType<Suppressed>(Assert.Single(evaluator.Hold(10, 12, 90)));

        Assert.Empty(evaluator.Replace(Cpu(warn: 80, forSeconds: 10, cooldownSeconds: 60), At(20)));

        Assert.Equal((ThresholdPhase.Pending, (DateTimeOffset?)At(20)), (evaluator.Snapshot().Phase, evaluator.Snapshot().WarnPendingSince));
        Assert.Empty(evaluator.Hold(21, 29, 90));
        Assert.Equal(At(30), Assert.IsType<Suppressed>(Assert.Single(evaluator.Observe(90, At(30)))).At);
        Assert.Equal(At(62), Assert.IsType<Fired>(Assert.Single(evaluator.Hold(31, 62, 90))).At);   // first firing at 2 + 60 s
    }

    [Fact]
    public void A_lowered_level_with_for_zero_fires_at_the_replacement_instant()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80));
        evaluator.Observe(70, At(0));

        var fired = Assert.IsType<Fired>(Assert.Single(evaluator.Replace(Cpu(warn: 60), At(3))));

        Assert.Equal((70.0, 60.0, At(3)), (fired.Value, fired.Level, fired.At));
    }

    [Fact]
    public void A_rule_replaced_with_a_changed_metric_resolves_the_alert_and_forgets_the_old_samples()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80, cooldownSeconds: 600));
        evaluator.Observe(90, At(0));

        var resolved = Assert.IsType<Resolved>(Assert.Single(evaluator.Replace(Cpu(warn: 80, cooldownSeconds: 600, metric: "cpu.user"), At(5))));

        Assert.Equal(("cpu.total", ResolveReason.RuleReplaced), (resolved.Metric, resolved.Reason));
        Assert.Equal(new ThresholdSnapshot("cpu-high", ThresholdPhase.Inactive, null, null, null, null, null), evaluator.Snapshot());
        var fired = Assert.IsType<Fired>(Assert.Single(evaluator.Observe(90, At(6))));   // cooldown history forgotten too
        Assert.Equal("cpu.user", fired.Metric);
    }

    [Fact]
    public void A_rule_replaced_with_a_changed_metric_while_pending_drops_the_pending_breach()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80, forSeconds: 5));
        evaluator.Hold(0, 3, 90);

        Assert.Empty(evaluator.Replace(Cpu(warn: 80, forSeconds: 5, metric: "cpu.user"), At(4)));

        Assert.Equal(ThresholdPhase.Inactive, evaluator.Snapshot().Phase);
    }

    [Fact]
    public void Retiring_a_firing_rule_resolves_its_alert_and_retiring_a_quiet_one_says_nothing()
    {
        var firing = new ThresholdEvaluator(Cpu(warn: 80));
        firing.Observe(90, At(0));
        var quiet = new ThresholdEvaluator(Cpu(warn: 80, forSeconds: 5));
        quiet.Hold(0, 3, 90);

        var resolved = Assert.IsType<Resolved>(Assert.Single(firing.Retire(At(7))));

        Assert.Equal((ResolveReason.RuleReplaced, At(7)), (resolved.Reason, resolved.At));
        Assert.Equal(ThresholdPhase.Inactive, firing.Snapshot().Phase);
        Assert.Empty(quiet.Retire(At(4)));
    }

    [Fact]
    public void Replacing_a_rule_with_an_identical_one_changes_nothing()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80, forSeconds: 5));
        evaluator.Hold(0, 3, 90);

        Assert.Empty(evaluator.Replace(Cpu(warn: 80, forSeconds: 5), At(4)));

        Assert.Equal(At(0), evaluator.Snapshot().WarnPendingSince);
        Assert.IsType<Fired>(Assert.Single(evaluator.Hold(4, 5, 90)));
    }

    [Fact]
    public void Replacing_with_a_rule_of_another_id_is_refused()
    {
        var evaluator = new ThresholdEvaluator(Cpu());

        var error = Assert.Throws<ArgumentException>(() => evaluator.Replace(Cpu() with { Id = "mem-high" }, At(0)));
        Assert.Contains("'mem-high' cannot replace rule 'cpu-high'", error.Message);
    }

    [Fact]
    public void Replacing_with_an_invalid_rule_is_refused_and_the_old_rule_stays()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80));
        evaluator.Observe(90, At(0));

        var error = Assert.Throws<ArgumentException>(() => evaluator.Replace(Cpu(warn: 80, critical: 70), At(1)));

        Assert.Contains("critical (70) must be above warn (80) for an 'above' rule", error.Message);
        Assert.Equal(Cpu(warn: 80), evaluator.Rule);
        Assert.Equal(ThresholdPhase.Firing, evaluator.Snapshot().Phase);
    }

    [Fact]
    public void A_replacement_after_only_missing_samples_uses_the_last_real_sample()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80));
        evaluator.Observe(90, At(0));
        evaluator.Feed(1, null, null);

        Assert.IsType<Resolved>(Assert.Single(evaluator.Replace(Cpu(warn: 95), At(3))));
    }
}
