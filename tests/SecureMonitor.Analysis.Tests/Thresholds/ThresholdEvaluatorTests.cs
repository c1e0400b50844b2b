using SecureMonitor.Analysis.Thresholds;
using Xunit;
using static SecureMonitor.Analysis.Tests.Thresholds.Timeline;

namespace SecureMonitor.Analysis.Tests.Thresholds;

public sealed class SustainTimeTests
{
    [Fact]
    public void A_breach_shorter_than_for_produces_no_event()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80, forSeconds: 5));

        List<ThresholdEvent> events = evaluator.Feed(0, 90, 90, 90, 90, 90, 70, 70);

        Assert.Empty(events);
        Assert.Equal(ThresholdPhase.Inactive, evaluator.Snapshot().Phase);
    }

    [Fact]
    public void A_breach_lasting_exactly_for_fires_at_the_instant_for_elapses()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80, forSeconds: 5));

        Assert.Empty(evaluator.Hold(10, 14, 90));
        Assert.Equal(ThresholdPhase.Pending, evaluator.Snapshot().Phase);
        Assert.Equal(At(10), evaluator.Snapshot().WarnPendingSince);

        var fired = Assert.IsType<Fired>(Assert.Single(evaluator.Observe(91, At(15))));
        Assert.Equal(new Fired("cpu-high", "cpu.total", Severity.Warning, 91, 80, At(15), At(10)), fired);
    }

    [Fact]
    public void For_zero_fires_on_the_first_breaching_sample()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80, forSeconds: 0));

        Assert.Empty(evaluator.Observe(79.9, At(0)));
        var fired = Assert.IsType<Fired>(Assert.Single(evaluator.Observe(85, At(1))));

        Assert.Equal(At(1), fired.At);
        Assert.Equal(At(1), fired.PendingSince);
    }

    [Fact]
    public void A_value_exactly_at_the_level_counts_as_a_breach()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80));

        Assert.IsType<Fired>(Assert.Single(evaluator.Observe(80, At(0))));
    }

    [Fact]
    public void One_sample_inside_the_level_cancels_a_pending_breach_even_within_hysteresis()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80, forSeconds: 3, hysteresis: 10));

        List<ThresholdEvent> events = evaluator.Feed(0, 90, 90, 79, 90, 90, 90);

        Assert.Empty(events);
        Assert.Equal(At(3), evaluator.Snapshot().WarnPendingSince);
        Assert.Equal(At(6), Assert.IsType<Fired>(Assert.Single(evaluator.Observe(90, At(6)))).At);
    }

    [Fact]
    public void Sustain_time_is_measured_in_time_not_in_samples()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80, forSeconds: 5));

        Assert.Empty(evaluator.Observe(90, At(0)));
        Assert.Empty(evaluator.Observe(90, At(4.999)));
        Assert.IsType<Fired>(Assert.Single(evaluator.Observe(90, At(5))));
    }
}

public sealed class HysteresisTests
{
    [Fact]
    public void A_value_dipping_below_the_level_but_within_hysteresis_keeps_firing()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80, hysteresis: 5));
        evaluator.Observe(90, At(0));

        List<ThresholdEvent> events = evaluator.Feed(1, 79, 76, 75, 78, 80);

        Assert.Empty(events);
        Assert.Equal(ThresholdPhase.Firing, evaluator.Snapshot().Phase);
    }

    [Fact]
    public void Clearing_past_the_level_minus_hysteresis_resolves_on_that_sample()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80, hysteresis: 5, forSeconds: 10));
        evaluator.Hold(0, 10, 90);

        var resolved = Assert.IsType<Resolved>(Assert.Single(evaluator.Feed(11, 76, 74.9)));

        Assert.Equal(new Resolved("cpu-high", "cpu.total", Severity.Warning, 74.9, 80, At(12), At(10), ResolveReason.Cleared), resolved);
        Assert.Equal(ThresholdPhase.Inactive, evaluator.Snapshot().Phase);
    }

    [Fact]
    public void The_resolution_carries_the_firing_duration()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80, forSeconds: 5));
        Fired fired = Assert.IsType<Fired>(Assert.Single(evaluator.Hold(0, 5, 90)));
        evaluator.Hold(6, 99, 95);

        var resolved = Assert.IsType<Resolved>(Assert.Single(evaluator.Observe(50, At(100))));

        Assert.Equal(fired.At, resolved.FiringSince);
        Assert.Equal(TimeSpan.FromSeconds(95), resolved.FiringDuration);
    }

    [Fact]
    public void After_a_resolution_a_new_breach_must_sustain_for_again()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80, forSeconds: 2));
        evaluator.Hold(0, 2, 90);
        Assert.IsType<Resolved>(Assert.Single(evaluator.Observe(10, At(3))));

        Assert.Empty(evaluator.Hold(4, 5, 90));
        Assert.Equal(At(6), Assert.IsType<Fired>(Assert.Single(evaluator.Observe(90, At(6)))).At);
    }
}

public sealed class CooldownTests
{
    [Fact]
    public void A_rebreach_within_the_cooldown_is_suppressed_and_needs_no_resolution()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80, cooldownSeconds: 60));
        Assert.IsType<Fired>(Assert.Single(evaluator.Observe(90, At(0))));
        Assert.IsType<Resolved>(Assert.Single(evaluator.Observe(50, At(10))));

        var suppressed = Assert.IsType<Suppressed>(Assert.Single(evaluator.Hold(20, 30, 90)));
        Assert.Equal(new Suppressed("cpu-high", "cpu.total", Severity.Warning, 90, 80, At(20), At(20), At(60)), suppressed);
        Assert.Equal(1, evaluator.SuppressedCount);
        Assert.Equal(ThresholdPhase.Suppressed, evaluator.Snapshot().Phase);

        Assert.Empty(evaluator.Observe(50, At(31)));
        Assert.Equal(ThresholdPhase.Inactive, evaluator.Snapshot().Phase);
    }

    [Fact]
    public void A_rebreach_after_the_cooldown_fires_normally()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80, cooldownSeconds: 60));
        evaluator.Observe(90, At(0));
        evaluator.Observe(50, At(10));

        var fired = Assert.IsType<Fired>(Assert.Single(evaluator.Observe(90, At(60))));

        Assert.Equal(At(60), fired.At);
        Assert.Equal(0, evaluator.SuppressedCount);
    }

    [Fact]
    public void A_breach_that_outlasts_the_cooldown_fires_once_the_cooldown_ends()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80, forSeconds: 5, cooldownSeconds: 60));
        evaluator.Hold(0, 5, 90);
        evaluator.Observe(50, At(6));

        List<ThresholdEvent> events = evaluator.Hold(30, 70, 90);

        Assert.Collection(events,
            e => Assert.Equal(At(65), Assert.IsType<Suppressed>(e).CooldownUntil),  // previous firing at 5 + 60 s
            e =>
            {
                var fired = Assert.IsType<Fired>(e);
                Assert.Equal(At(65), fired.At);
                Assert.Equal(At(30), fired.PendingSince);
            });
    }

    [Fact]
    public void A_suppressed_breach_held_only_by_hysteresis_fires_on_the_first_sample_beyond_the_level_after_the_cooldown()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80, hysteresis: 5, cooldownSeconds: 60));
        evaluator.Observe(90, At(0));
        evaluator.Observe(50, At(1));
        Assert.IsType<Suppressed>(Assert.Single(evaluator.Observe(90, At(30))));

        Assert.Empty(evaluator.Feed(31, 77, 78, 79));                 // inside the level, within hysteresis: held, not opened
        Assert.Empty(evaluator.Feed(60, 77, 78));                     // cooldown over, still inside the level
        var fired = Assert.IsType<Fired>(Assert.Single(evaluator.Observe(81, At(62))));

        Assert.Equal((At(62), At(30), 81.0), (fired.At, fired.PendingSince, fired.Value));
    }

    [Fact]
    public void An_escalation_during_the_cooldown_still_fires()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80, critical: 95, cooldownSeconds: 300));
        evaluator.Observe(85, At(0));                        // warning fires
        evaluator.Observe(99, At(1));                        // escalates: critical's cooldown starts
        evaluator.Observe(50, At(2));                        // resolves
        Assert.Equal(Severity.Warning, Assert.IsType<Suppressed>(Assert.Single(evaluator.Observe(85, At(10)))).Severity);

        var fired = Assert.IsType<Fired>(Assert.Single(evaluator.Observe(97, At(11))));

        Assert.Equal(Severity.Critical, fired.Severity);
        Assert.Equal(At(11), fired.At);
    }

    [Fact]
    public void Escalating_an_open_warning_is_never_delayed_by_the_critical_cooldown()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80, critical: 95, cooldownSeconds: 300));
        evaluator.Observe(99, At(0));                        // critical fires: critical's cooldown runs to 300
        evaluator.Observe(50, At(1));
        Assert.IsType<Fired>(Assert.Single(evaluator.Observe(85, At(10))));  // warning has no cooldown yet

        var escalated = Assert.IsType<Escalated>(Assert.Single(evaluator.Observe(99, At(11))));

        Assert.Equal((Severity.Warning, Severity.Critical), (escalated.From, escalated.To));
    }

    [Fact]
    public void A_direct_critical_rebreach_within_the_critical_cooldown_is_suppressed()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80, critical: 95, cooldownSeconds: 300));
        evaluator.Observe(99, At(0));
        evaluator.Observe(50, At(1));

        var suppressed = Assert.IsType<Suppressed>(Assert.Single(evaluator.Observe(99, At(10))));
        Assert.Equal(Severity.Critical, suppressed.Severity);
    }

    [Fact]
    public void Cooldown_is_kept_per_severity()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80, critical: 95, cooldownSeconds: 300));
        evaluator.Observe(85, At(0));                        // warning fires
        evaluator.Observe(50, At(1));

        var fired = Assert.IsType<Fired>(Assert.Single(evaluator.Observe(99, At(2))));
        Assert.Equal(Severity.Critical, fired.Severity);
    }
}

public sealed class FlappingTests
{
    private static double?[] Alternating(int count, double high, double low) =>
        Enumerable.Range(0, count).Select(i => (double?)(i % 2 == 0 ? high : low)).ToArray();

    [Fact]
    public void Values_alternating_around_the_level_every_sample_for_100_samples_with_for_5s_produce_no_event()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80, forSeconds: 5, hysteresis: 5));

        Assert.Empty(evaluator.Feed(0, Alternating(100, 82, 78)));
    }

    [Fact]
    public void Values_alternating_around_the_level_with_hysteresis_and_for_zero_fire_exactly_once()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80, forSeconds: 0, hysteresis: 5));

        List<ThresholdEvent> events = evaluator.Feed(0, Alternating(100, 82, 78));

        Assert.IsType<Fired>(Assert.Single(events));
        Assert.Equal(ThresholdPhase.Firing, evaluator.Snapshot().Phase);
    }

    [Fact]
    public void Without_hysteresis_every_cycle_fires_and_cooldown_bounds_the_firings()
    {
        var bare = new ThresholdEvaluator(Cpu(warn: 80));
        Assert.Equal(100, bare.Feed(0, Alternating(100, 82, 78)).Count);

        var cooled = new ThresholdEvaluator(Cpu(warn: 80, cooldownSeconds: 10));
        List<ThresholdEvent> events = cooled.Feed(0, Alternating(100, 82, 78));

        Assert.Equal(10, events.OfType<Fired>().Count());          // seconds 0, 10, ..., 90
        Assert.Equal(10, events.OfType<Resolved>().Count());
        Assert.Equal(40, events.OfType<Suppressed>().Count());     // the other 40 breaching samples
        Assert.Equal(60, events.Count);
    }
}

public sealed class EscalationTests
{
    private static ThresholdRule Rule(double forSeconds = 0) => Cpu(warn: 80, critical: 95, forSeconds: forSeconds, hysteresis: 5);

    [Fact]
    public void A_warning_escalates_to_critical_once_the_critical_level_is_sustained()
    {
        var evaluator = new ThresholdEvaluator(Rule(forSeconds: 5));
        Assert.IsType<Fired>(Assert.Single(evaluator.Hold(0, 5, 85)));

        Assert.Empty(evaluator.Hold(6, 10, 97));
        var escalated = Assert.IsType<Escalated>(Assert.Single(evaluator.Observe(97, At(11))));

        Assert.Equal(new Escalated("cpu-high", "cpu.total", Severity.Warning, Severity.Critical, 97, 95, At(11), At(5)), escalated);
    }

    [Fact]
    public void A_value_that_jumps_past_critical_fires_critical_without_a_warning_first()
    {
        var evaluator = new ThresholdEvaluator(Rule(forSeconds: 3));

        var fired = Assert.IsType<Fired>(Assert.Single(evaluator.Hold(0, 3, 99)));

        Assert.Equal(Severity.Critical, fired.Severity);
        Assert.Equal(95, fired.Level);
    }

    [Fact]
    public void Critical_deescalates_to_warning_once_it_clears_critical_with_hysteresis()
    {
        var evaluator = new ThresholdEvaluator(Rule());
        evaluator.Observe(99, At(0));

        Assert.Empty(evaluator.Observe(91, At(1)));       // within critical's hysteresis
        var down = Assert.IsType<Deescalated>(Assert.Single(evaluator.Observe(89, At(2))));

        Assert.Equal(new Deescalated("cpu-high", "cpu.total", Severity.Critical, Severity.Warning, 89, 80, At(2), At(0)), down);
        Assert.Equal(Severity.Warning, evaluator.Snapshot().Severity);
    }

    [Fact]
    public void Critical_resolves_directly_when_the_value_clears_warn_with_hysteresis()
    {
        var evaluator = new ThresholdEvaluator(Rule());
        evaluator.Observe(99, At(0));

        var resolved = Assert.IsType<Resolved>(Assert.Single(evaluator.Observe(10, At(1))));

        Assert.Equal(Severity.Critical, resolved.LastSeverity);
        Assert.Equal(95, resolved.Level);
    }

    [Fact]
    public void A_full_cycle_reads_fired_escalated_deescalated_resolved()
    {
        var evaluator = new ThresholdEvaluator(Rule(forSeconds: 2));

        List<ThresholdEvent> events = evaluator.Feed(0, 85, 85, 85, 96, 96, 96, 96, 88, 88, 70);

        Assert.Collection(events,
            e => Assert.Equal(At(2), Assert.IsType<Fired>(e).At),
            e => Assert.Equal(At(5), Assert.IsType<Escalated>(e).At),
            e => Assert.Equal(At(7), Assert.IsType<Deescalated>(e).At),
            e => Assert.Equal(At(9), Assert.IsType<Resolved>(e).At));
    }

    [Fact]
    public void A_rule_with_only_a_critical_level_fires_and_resolves_at_critical()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: null, critical: 95, hysteresis: 2));

        Assert.Equal(Severity.Critical, Assert.IsType<Fired>(Assert.Single(evaluator.Observe(96, At(0)))).Severity);
        Assert.Empty(evaluator.Observe(94, At(1)));
        Assert.Equal(Severity.Critical, Assert.IsType<Resolved>(Assert.Single(evaluator.Observe(92, At(2)))).LastSeverity);
    }
}

public sealed class BelowDirectionTests
{
    private static ThresholdRule FreeDisk(double forSeconds = 0) => new()
    {
        Id = "disk-free-low",
        Metric = "disk.root.free_percent",
        Warn = 15,
        Critical = 5,
        Direction = ThresholdDirection.Below,
        For = TimeSpan.FromSeconds(forSeconds),
        Hysteresis = 2,
    };

    [Fact]
    public void A_below_rule_fires_when_free_disk_falls_to_the_level()
    {
        var evaluator = new ThresholdEvaluator(FreeDisk(forSeconds: 2));

        List<ThresholdEvent> events = evaluator.Feed(0, 40, 15.1, 15, 14, 12);

        var fired = Assert.IsType<Fired>(Assert.Single(events));
        Assert.Equal((Severity.Warning, 15.0, At(4), At(2)), (fired.Severity, fired.Level, fired.At, fired.PendingSince));
    }

    [Fact]
    public void A_below_rule_resolves_only_above_level_plus_hysteresis()
    {
        var evaluator = new ThresholdEvaluator(FreeDisk());
        evaluator.Observe(10, At(0));

        Assert.Empty(evaluator.Feed(1, 16, 17));
        Assert.IsType<Resolved>(Assert.Single(evaluator.Observe(17.5, At(3))));
    }

    [Fact]
    public void A_below_rule_escalates_as_the_value_falls_further_and_deescalates_as_it_recovers()
    {
        var evaluator = new ThresholdEvaluator(FreeDisk());

        List<ThresholdEvent> events = evaluator.Feed(0, 12, 4, 6, 8, 30);

        Assert.Collection(events,
            e => Assert.Equal(Severity.Warning, Assert.IsType<Fired>(e).Severity),
            e => Assert.Equal(At(1), Assert.IsType<Escalated>(e).At),
            e => Assert.Equal(At(3), Assert.IsType<Deescalated>(e).At),
            e => Assert.Equal(At(4), Assert.IsType<Resolved>(e).At));
    }
}

public sealed class MissingSampleTests
{
    [Fact]
    public void Missing_samples_hold_a_firing_alert()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80));
        evaluator.Observe(90, At(0));

        Assert.Empty(evaluator.Feed(1, null, null, null, double.NaN));

        Assert.Equal(ThresholdPhase.Firing, evaluator.Snapshot().Phase);
        Assert.Equal(90, evaluator.Snapshot().LastValue);
    }

    [Fact]
    public void Missing_samples_neither_cancel_nor_restart_a_pending_breach()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80, forSeconds: 10));
        evaluator.Observe(90, At(0));

        Assert.Empty(evaluator.Feed(1, null, null, null));
        Assert.Equal(At(0), evaluator.Snapshot().WarnPendingSince);
        Assert.Empty(evaluator.Hold(4, 9, 90));
        Assert.IsType<Fired>(Assert.Single(evaluator.Observe(90, At(10))));
    }

    [Fact]
    public void A_missing_sample_never_fires_even_when_the_sustain_time_elapses_during_the_gap()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80, forSeconds: 3));
        evaluator.Observe(90, At(0));

        Assert.Empty(evaluator.Feed(1, null, null, null, null, null));

        var fired = Assert.IsType<Fired>(Assert.Single(evaluator.Observe(90, At(6))));
        Assert.Equal(At(0), fired.PendingSince);
    }

    [Fact]
    public void A_metric_that_is_never_available_produces_nothing()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80));

        Assert.Empty(evaluator.Feed(0, Enumerable.Repeat<double?>(null, 50).ToArray()));
        Assert.Equal(ThresholdPhase.Inactive, evaluator.Snapshot().Phase);
    }
}

public sealed class TimeOrderTests
{
    [Fact]
    public void A_sample_older_than_the_previous_is_evaluated_at_the_previous_time_and_counted()
    {
        var evaluator = new ThresholdEvaluator(Cpu(warn: 80, forSeconds: 5));
        evaluator.Observe(90, At(10));

        var fired = Assert.IsType<Fired>(Assert.Single(evaluator.Feed(15, 90)));
        IReadOnlyList<ThresholdEvent> late = evaluator.Observe(50, At(3));

        Assert.Equal(At(15), Assert.IsType<Resolved>(Assert.Single(late)).At);
        Assert.Equal(At(15), fired.At);
        Assert.Equal(1, evaluator.OutOfOrderSamples);
    }
}
