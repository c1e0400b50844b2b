using SecureMonitor.Analysis.Thresholds;
using Xunit;
using static SecureMonitor.Analysis.Tests.Thresholds.Timeline;

namespace SecureMonitor.Analysis.Tests.Thresholds;

/// <summary>
/// Random rules and random sample sequences (seeded, so a failure names its seed and replays), checked
/// against the alert lifecycle an operator sees, whatever the input.
/// </summary>
public sealed class ThresholdPropertyTests
{
    private const int Runs = 500;
    private const int StepsPerRun = 400;

    [Fact]
    public void Random_sequences_keep_the_alert_lifecycle_invariants()
    {
        int totalEvents = 0;
        var kinds = new HashSet<Type>();
        for (int seed = 0; seed < Runs; seed++)
        {
            try
            {
                foreach (ThresholdEvent e in RunOne(seed))
                {
                    totalEvents++;
                    kinds.Add(e.GetType());
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                throw new Xunit.Sdk.XunitException($"seed {seed}: {ex.Message}");
            }
        }

        // The generator must actually exercise every kind of event, or the invariants prove little.
        Assert.Equal(
            new HashSet<Type> { typeof(Fired), typeof(Escalated), typeof(Deescalated), typeof(Resolved), typeof(Suppressed) },
            kinds);
        Assert.True(totalEvents > Runs * 10, $"only {totalEvents} events in {Runs} runs");
    }

    private static List<ThresholdEvent> RunOne(int seed)
    {
        var random = new Random(seed);
        ThresholdRule rule = RandomRule(random, "cpu.total");
        var evaluator = new ThresholdEvaluator(rule);
        var model = new LifecycleModel();
        var all = new List<ThresholdEvent>();
        double value = random.NextDouble() * 100;
        DateTimeOffset at = T0;

        for (int step = 0; step < StepsPerRun; step++)
        {
            at = random.Next(100) switch
            {
                < 2 => at.AddSeconds(-random.Next(1, 5)),      // clock stepped back
                < 5 => at,                                      // same instant
                < 8 => at.AddSeconds(random.Next(10, 60)),     // gap
                _ => at.AddSeconds(1),
            };

            IReadOnlyList<ThresholdEvent> events;
            if (random.Next(100) < 2)
            {
                string metric = random.Next(5) == 0 ? (rule.Metric == "cpu.total" ? "cpu.user" : "cpu.total") : rule.Metric;
                ThresholdRule next = RandomRule(random, metric);
                events = evaluator.Replace(next, at);
                model.Check(events, rule, next, evaluator, replaced: true);
                rule = next;
            }
            else
            {
                value = random.Next(100) < 5 ? random.NextDouble() * 100 : Math.Clamp(value + (random.NextDouble() - 0.5) * 16, 0, 100);
                double? sample = random.Next(100) < 5 ? null : value;
                events = evaluator.Observe(sample, at);
                if (sample is null)
                {
                    Assert.Empty(events);
                }

                model.Check(events, rule, rule, evaluator, replaced: false);
            }

            all.AddRange(events);
        }

        return all;
    }

    private static ThresholdRule RandomRule(Random random, string metric)
    {
        var direction = random.Next(2) == 0 ? ThresholdDirection.Above : ThresholdDirection.Below;
        double a = 20 + random.NextDouble() * 60;
        double b = 20 + random.NextDouble() * 60;
        double low = Math.Min(a, b), high = Math.Max(a, b) + 1;
        (double warn, double critical) = direction == ThresholdDirection.Above ? (low, high) : (high, low);
        int shape = random.Next(4);                              // both levels, or only one of them
        return new ThresholdRule
        {
            Id = "prop-rule",
            Metric = metric,
            Warn = shape == 2 ? null : warn,
            Critical = shape == 3 ? null : critical,
            Direction = direction,
            For = TimeSpan.FromSeconds(new[] { 0, 1, 2, 5 }[random.Next(4)]),
            Hysteresis = new[] { 0, 1, 5 }[random.Next(3)],
            Cooldown = TimeSpan.FromSeconds(new[] { 0, 3, 10, 30 }[random.Next(4)]),
        };
    }

    /// <summary>What a consumer of the events knows, and the rules it must always see respected.</summary>
    private sealed class LifecycleModel
    {
        private Severity? _open;
        private DateTimeOffset _firingSince;
        private DateTimeOffset _lastAt = DateTimeOffset.MinValue;
        private readonly Dictionary<Severity, DateTimeOffset> _lastFiring = [];
        private bool _warningSuppressedSinceLastOpen;

        public void Check(IReadOnlyList<ThresholdEvent> events, ThresholdRule before, ThresholdRule after, ThresholdEvaluator evaluator, bool replaced)
        {
            Assert.True(events.Count <= 1, "one call produced more than one event");
            if (replaced && before.Metric != after.Metric)
            {
                // Metric changed: cooldown history is forgotten with the old metric's samples.
                _lastFiring.Clear();
                _warningSuppressedSinceLastOpen = false;
            }

            foreach (ThresholdEvent e in events)
            {
                Assert.True(e.At >= _lastAt, $"event at {e.At:O} before the previous one at {_lastAt:O}");
                _lastAt = e.At;
                Assert.Equal(after.Id, e.RuleId);

                switch (e)
                {
                    case Fired f:
                        Assert.True(_open is null, $"Fired {f.Severity} while {_open} is open (no Resolved in between)");
                        Assert.False(replaced && f.Metric != after.Metric);
                        Assert.True(f.At - f.PendingSince >= after.For, $"Fired {f.At - f.PendingSince} after the breach began, For is {after.For}");
                        Assert.Equal(after.LevelOf(f.Severity), f.Level);
                        Assert.True(Breaches(after, f.Severity, f.Value), $"Fired at {f.Severity} with {f.Value}, level {f.Level}");
                        if (_lastFiring.TryGetValue(f.Severity, out DateTimeOffset last) && f.At - last < after.Cooldown)
                        {
                            // Only an escalation out of a suppressed warning may beat the cooldown.
                            Assert.True(f.Severity == Severity.Critical && _warningSuppressedSinceLastOpen,
                                $"Fired {f.Severity} {f.At - last} after the previous firing, cooldown {after.Cooldown}");
                        }

                        _open = f.Severity;
                        _firingSince = f.At;
                        _lastFiring[f.Severity] = f.At;
                        _warningSuppressedSinceLastOpen = false;
                        break;

                    case Escalated x:
                        Assert.Equal(Severity.Warning, _open);
                        Assert.Equal((Severity.Warning, Severity.Critical), (x.From, x.To));
                        Assert.Equal(_firingSince, x.FiringSince);
                        Assert.True(Breaches(after, Severity.Critical, x.Value));
                        _open = Severity.Critical;
                        _lastFiring[Severity.Critical] = x.At;
                        break;

                    case Deescalated d:
                        Assert.Equal(Severity.Critical, _open);
                        Assert.Equal((Severity.Critical, Severity.Warning), (d.From, d.To));
                        Assert.Equal(_firingSince, d.FiringSince);
                        _open = Severity.Warning;
                        break;

                    case Resolved r:
                        Assert.True(_open is not null, "Resolved without a prior Fired");
                        Assert.Equal(_open, r.LastSeverity);
                        Assert.Equal(_firingSince, r.FiringSince);
                        Assert.Equal(replaced ? ResolveReason.RuleReplaced : ResolveReason.Cleared, r.Reason);
                        Assert.True(r.FiringDuration >= TimeSpan.Zero);
                        _open = null;
                        break;

                    case Suppressed s:
                        Assert.True(_open is null, "Suppressed while an alert is open");
                        Assert.True(s.At < s.CooldownUntil);
                        if (s.Severity == Severity.Warning)
                        {
                            _warningSuppressedSinceLastOpen = true;
                        }

                        break;

                    default:
                        Assert.Fail($"unexpected event {e}");
                        break;
                }
            }

            ThresholdSnapshot snapshot = evaluator.Snapshot();
            Assert.Equal(_open, snapshot.Severity);
            Assert.Equal(_open is not null, snapshot.Phase == ThresholdPhase.Firing);
        }

        private static bool Breaches(ThresholdRule rule, Severity severity, double value)
        {
            double level = rule.LevelOf(severity)!.Value;
            return rule.Direction == ThresholdDirection.Above ? value >= level : value <= level;
        }
    }
}
