using SecureMonitor.Actors;
using SecureMonitor.Analysis.Thresholds;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.TestKit;
using SecureMonitor.Watcher.Delivery;
using SecureMonitor.Watcher.Sampling;
using SecureMonitor.Watcher.Spool;
using SecureMonitor.Watcher.Thresholds;
using Xunit;
using ThresholdRule = SecureMonitor.Analysis.Thresholds.ThresholdRule;

namespace SecureMonitor.Watcher.Tests.Thresholds;

/// <summary>
/// The sampler and threshold actors on virtual time: the test advances a manual clock one sampling
/// interval at a time and a probe stands in for the sender. The evaluator's rules are tested
/// exhaustively on their own (SecureMonitor.Analysis.Tests); these tests show the actors wire them
/// to the clock and the sender correctly.
/// </summary>
public sealed class ThresholdActorTests : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private readonly TestActorSystem _kit = new("thresholds");
    private double _cpu;

    public ValueTask DisposeAsync() => _kit.DisposeAsync();

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

    private async Task<(IActorRef Rules, TestProbe Sender)> StartAsync(ThresholdRuleSet rules)
    {
        var sender = _kit.CreateProbe("sender");
        var rulesActor = _kit.System.ActorOf(Props.Create(() => new RulesActor(rules, sender)), "rules");
        var sampler = _kit.System.ActorOf(Props.Create(() => new SamplerActor(
            () => new Dictionary<string, double> { ["cpu.total"] = _cpu }, Interval, rulesActor, sender)), "sampler");
        await _kit.BarrierAsync(sampler);
        await _kit.BarrierAsync(rulesActor);
        return (rulesActor, sender);
    }

    /// <summary>Waits until the rules and every threshold actor have handled what was sent so far.</summary>
    private static Task SettledAsync(IActorRef rules) => rules.Ask<ThresholdStates>(GetThresholdStates.Instance, TimeSpan.FromSeconds(3));

    /// <summary>One sampling interval passes on the virtual clock; the sampler reads the value set.</summary>
    private async Task TickAsync(IActorRef rules, double cpu)
    {
        _cpu = cpu;
        _kit.Time.Advance(Interval);
        await SettledAsync(rules);
    }

    private static Alert ExpectAlert(TestProbe sender, AlertState state) =>
        sender.FishForMessage<Deliver>(deliver => deliver.Message.BodyCase == WatcherMessage.BodyOneofCase.Alert
            && deliver.Message.Alert.State == state, TimeSpan.FromSeconds(10)).Message.Alert;

    private static void ExpectNoAlert(TestProbe sender)
    {
        while (true)
        {
            try
            {
                var message = sender.ExpectMsg<object>(TimeSpan.FromMilliseconds(150));
                Assert.False(message is Deliver, $"unexpected {message}");
            }
            catch (TestKitAssertionException)
            {
                return; // nothing more arrived within the bound
            }
        }
    }

    [Fact]
    public async Task An_alert_fires_only_once_the_breach_has_lasted_the_sustain_time_on_the_virtual_clock()
    {
        var (rules, sender) = await StartAsync(Rules(1, Cpu(warn: 90, forSeconds: 3)));

        for (var second = 0; second < 3; second++)
        {
            await TickAsync(rules, 95); // pending for 0, 1, 2 s
        }
        ExpectNoAlert(sender);

        await TickAsync(rules, 95); // 3 s sustained
        var alert = ExpectAlert(sender, AlertState.Firing);
        Assert.Equal(("cpu-high", Protocol.Wire.Severity.Warning, 95d, 90d), (alert.RuleId, alert.Severity, alert.Value, alert.Threshold));
    }

    [Fact]
    public async Task A_resolution_is_sent_once_the_value_recovers_past_the_hysteresis()
    {
        var (rules, sender) = await StartAsync(Rules(1, Cpu(warn: 90, forSeconds: 0, hysteresis: 5)));
        await TickAsync(rules, 95);
        ExpectAlert(sender, AlertState.Firing);

        await TickAsync(rules, 87); // below the level but inside the hysteresis band: still firing
        ExpectNoAlert(sender);
        await TickAsync(rules, 84);

        var resolution = ExpectAlert(sender, AlertState.Resolved);
        Assert.Equal(84d, resolution.Value);
    }

    [Fact]
    public async Task Flapping_input_shorter_than_the_sustain_time_raises_nothing()
    {
        var (rules, sender) = await StartAsync(Rules(1, Cpu(warn: 90, forSeconds: 5)));

        for (var second = 0; second < 20; second++)
        {
            await TickAsync(rules, second % 2 == 0 ? 95 : 60);
        }

        ExpectNoAlert(sender);
    }

    [Fact]
    public async Task A_repeat_within_the_cooldown_is_held_back_and_fires_after_it()
    {
        var (rules, sender) = await StartAsync(Rules(1, Cpu(warn: 90, forSeconds: 0, cooldownSeconds: 10)));
        await TickAsync(rules, 95);
        ExpectAlert(sender, AlertState.Firing);
        await TickAsync(rules, 50);
        ExpectAlert(sender, AlertState.Resolved);

        await TickAsync(rules, 95); // 2 s after the first firing: inside the cooldown
        ExpectNoAlert(sender);
        for (var second = 0; second < 7; second++)
        {
            await TickAsync(rules, 95);
        }
        ExpectNoAlert(sender);

        await TickAsync(rules, 95); // 10 s after the first firing
        ExpectAlert(sender, AlertState.Firing);
    }

    [Fact]
    public async Task A_rule_replaced_while_pending_restarts_its_sustain_time_under_the_new_level()
    {
        var (rules, sender) = await StartAsync(Rules(1, Cpu(warn: 90, forSeconds: 3)));
        await TickAsync(rules, 95);
        await TickAsync(rules, 95); // pending for 1 s

        rules.Tell(new ApplyRuleSet(Rules(2, Cpu(warn: 80, forSeconds: 3))));
        await SettledAsync(rules); // the replacement takes effect now, before the clock moves again
        await TickAsync(rules, 95);
        await TickAsync(rules, 95);
        ExpectNoAlert(sender); // the old pending second does not count under the new rule

        await TickAsync(rules, 95);
        var alert = ExpectAlert(sender, AlertState.Firing);
        Assert.Equal(80d, alert.Threshold);
    }

    [Fact]
    public async Task A_removed_rule_resolves_the_alert_it_had_open()
    {
        var (rules, sender) = await StartAsync(Rules(1, Cpu(warn: 90, forSeconds: 0)));
        await TickAsync(rules, 95);
        ExpectAlert(sender, AlertState.Firing);

        rules.Tell(new ApplyRuleSet(Rules(2)));

        var resolution = ExpectAlert(sender, AlertState.Resolved);
        Assert.Contains("rule replaced", resolution.Summary);
    }

    [Fact]
    public async Task Resolutions_are_spooled_as_resolutions_and_alerts_as_alerts()
    {
        var (rules, sender) = await StartAsync(Rules(1, Cpu(warn: 90, forSeconds: 0)));
        await TickAsync(rules, 95);
        Assert.Equal(SpoolRecordKind.Alert, sender.FishForMessage<Deliver>(_ => true, TimeSpan.FromSeconds(10)).Kind);
        await TickAsync(rules, 10);
        Assert.Equal(SpoolRecordKind.Resolution, sender.FishForMessage<Deliver>(_ => true, TimeSpan.FromSeconds(10)).Kind);
    }
}
