using Akka.Actor;
using Akka.TestKit;
using SecureMonitor.Analysis.Thresholds;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Watcher.Delivery;
using SecureMonitor.Watcher.Sampling;
using SecureMonitor.Watcher.Spool;
using SecureMonitor.Watcher.Thresholds;
using Xunit;
using ThresholdRule = SecureMonitor.Analysis.Thresholds.ThresholdRule;

namespace SecureMonitor.Watcher.Tests.Thresholds;

/// <summary>
/// The sampler and threshold actors on virtual time: Akka's <see cref="TestScheduler"/> is the only
/// clock, advanced one sampling interval at a time, and probes stand in for the sender. The
/// evaluator's rules are tested exhaustively on their own (SecureMonitor.Analysis.Tests); these tests
/// show the actors wire them to the clock and the sender correctly.
/// </summary>
public sealed class ThresholdActorTests() : Akka.TestKit.Xunit2.TestKit(VirtualTime)
{
    private const string VirtualTime = """akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit" """;
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);
    private double _cpu;

    private TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    private static ThresholdRuleSet Rules(long revision, params ThresholdRule[] rules)
    {
        var result = ThresholdRuleSet.Create(revision, rules);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        return result.RuleSet!;
    }

    private static ThresholdRule Cpu(double warn, int forSeconds, double hysteresis = 0, int cooldownSeconds = 0) => new()
    {
        Id = "cpu-high",
        Metric = "cpu.total",
        Warn = warn,
        For = TimeSpan.FromSeconds(forSeconds),
        Hysteresis = hysteresis,
        Cooldown = TimeSpan.FromSeconds(cooldownSeconds),
    };

    /// <summary>The rules, a sampler feeding them, and two probes: what the threshold actors deliver, and
    /// the latest metrics the sampler hands the sender (which tells the test a round was taken).</summary>
    private sealed record Watched(IActorRef Rules, TestProbe Deliveries, TestProbe Metrics);

    private async Task<Watched> StartAsync(ThresholdRuleSet rules)
    {
        var deliveries = CreateTestProbe("deliveries");
        var metrics = CreateTestProbe("metrics");
        var rulesActor = Sys.ActorOf(Props.Create(() => new RulesActor(rules, deliveries)), "rules");
        Func<IReadOnlyDictionary<string, double>> read = () => new Dictionary<string, double> { ["cpu.total"] = _cpu };
        var sampler = Sys.ActorOf(Props.Create(() => new SamplerActor(read, Interval, rulesActor, metrics)), "sampler");
        // Both have started (the sampler's timer is on the virtual clock, the rules' children exist).
        await sampler.Ask<ActorIdentity>(new Identify(null), Bound);
        await SettledAsync(rulesActor);
        return new Watched(rulesActor, deliveries, metrics);
    }

    /// <summary>The rules and every threshold actor have handled what was sent to them so far: each child
    /// tells the deliveries probe before it answers, so whatever it delivered is already there.</summary>
    private static Task<ThresholdStates> SettledAsync(IActorRef rules) => rules.Ask<ThresholdStates>(GetThresholdStates.Instance, Bound);

    /// <summary>One sampling interval passes on the virtual clock; the sampler reads the value set.</summary>
    private async Task TickAsync(Watched watched, double cpu)
    {
        _cpu = cpu;
        Clock.Advance(Interval);
        // The sampler tells the rules before the sender: once the metrics are here, the samples are queued.
        watched.Metrics.ExpectMsg<LatestMetrics>(latest => latest.Values["cpu.total"] == cpu, Bound);
        await SettledAsync(watched.Rules);
    }

    private static Alert ExpectAlert(Watched watched, AlertState state) =>
        watched.Deliveries.ExpectMsg<Deliver>(deliver => deliver.Message.BodyCase == WatcherMessage.BodyOneofCase.Alert
            && deliver.Message.Alert.State == state, Bound).Message.Alert;

    /// <summary>Nothing was delivered: the actors are settled, so there is nothing still on its way to wait for.</summary>
    private static void ExpectNoAlert(Watched watched) => watched.Deliveries.ExpectNoMsg(TimeSpan.Zero);

    [Fact]
    public async Task An_alert_fires_only_once_the_breach_has_lasted_the_sustain_time_on_the_virtual_clock()
    {
        var watched = await StartAsync(Rules(1, Cpu(warn: 90, forSeconds: 3)));

        for (var second = 0; second < 3; second++)
        {
            await TickAsync(watched, 95); // pending for 0, 1, 2 s
        }
        ExpectNoAlert(watched);

        await TickAsync(watched, 95); // 3 s sustained
        var alert = ExpectAlert(watched, AlertState.Firing);
        Assert.Equal(("cpu-high", Protocol.Wire.Severity.Warning, 95d, 90d), (alert.RuleId, alert.Severity, alert.Value, alert.Threshold));
    }

    [Fact]
    public async Task A_resolution_is_sent_once_the_value_recovers_past_the_hysteresis()
    {
        var watched = await StartAsync(Rules(1, Cpu(warn: 90, forSeconds: 0, hysteresis: 5)));
        await TickAsync(watched, 95);
        ExpectAlert(watched, AlertState.Firing);

        await TickAsync(watched, 87); // below the level but inside the hysteresis band: still firing
        ExpectNoAlert(watched);
        await TickAsync(watched, 84);

        var resolution = ExpectAlert(watched, AlertState.Resolved);
        Assert.Equal(84d, resolution.Value);
    }

    [Fact]
    public async Task Flapping_input_shorter_than_the_sustain_time_raises_nothing()
    {
        var watched = await StartAsync(Rules(1, Cpu(warn: 90, forSeconds: 5)));

        for (var second = 0; second < 20; second++)
        {
            await TickAsync(watched, second % 2 == 0 ? 95 : 60);
        }

        ExpectNoAlert(watched);
    }

    [Fact]
    public async Task A_repeat_within_the_cooldown_is_held_back_and_fires_after_it()
    {
        var watched = await StartAsync(Rules(1, Cpu(warn: 90, forSeconds: 0, cooldownSeconds: 10)));
        await TickAsync(watched, 95);
        ExpectAlert(watched, AlertState.Firing);
        await TickAsync(watched, 50);
        ExpectAlert(watched, AlertState.Resolved);

        await TickAsync(watched, 95); // 2 s after the first firing: inside the cooldown
        ExpectNoAlert(watched);
        for (var second = 0; second < 7; second++)
        {
            await TickAsync(watched, 95);
        }
        ExpectNoAlert(watched);

        await TickAsync(watched, 95); // 10 s after the first firing
        ExpectAlert(watched, AlertState.Firing);
    }

    [Fact]
    public async Task A_rule_replaced_while_pending_restarts_its_sustain_time_under_the_new_level()
    {
        var watched = await StartAsync(Rules(1, Cpu(warn: 90, forSeconds: 3)));
        await TickAsync(watched, 95);
        await TickAsync(watched, 95); // pending for 1 s

        watched.Rules.Tell(new ApplyRuleSet(Rules(2, Cpu(warn: 80, forSeconds: 3))));
        await SettledAsync(watched.Rules); // the replacement takes effect now, before the clock moves again
        await TickAsync(watched, 95);
        await TickAsync(watched, 95);
        ExpectNoAlert(watched); // the old pending second does not count under the new rule

        await TickAsync(watched, 95);
        var alert = ExpectAlert(watched, AlertState.Firing);
        Assert.Equal(80d, alert.Threshold);
    }

    [Fact]
    public async Task A_removed_rule_resolves_the_alert_it_had_open_and_stops()
    {
        var watched = await StartAsync(Rules(1, Cpu(warn: 90, forSeconds: 0)));
        await TickAsync(watched, 95);
        ExpectAlert(watched, AlertState.Firing);
        var threshold = await Sys.ActorSelection("/user/rules/threshold-cpu-high-r1").ResolveOne(Bound);
        Watch(threshold);

        watched.Rules.Tell(new ApplyRuleSet(Rules(2)));

        var resolution = ExpectAlert(watched, AlertState.Resolved);
        Assert.Contains("rule replaced", resolution.Summary);
        ExpectTerminated(threshold, Bound);
        Assert.Empty((await SettledAsync(watched.Rules)).Rules);
    }

    [Fact]
    public async Task Resolutions_are_spooled_as_resolutions_and_alerts_as_alerts()
    {
        var watched = await StartAsync(Rules(1, Cpu(warn: 90, forSeconds: 0)));
        await TickAsync(watched, 95);
        Assert.Equal(SpoolRecordKind.Alert, watched.Deliveries.FishForMessage<Deliver>(_ => true, Bound).Kind);
        await TickAsync(watched, 10);
        Assert.Equal(SpoolRecordKind.Resolution, watched.Deliveries.FishForMessage<Deliver>(_ => true, Bound).Kind);
    }
}
