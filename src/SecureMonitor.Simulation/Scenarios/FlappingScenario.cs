using SecureMonitor.Analysis.Thresholds;
using SecureMonitor.Simulation.Fleet;
using SecureMonitor.Simulation.Running;

namespace SecureMonitor.Simulation.Scenarios;

/// <summary>
/// A metric that will not settle: on fewer hosts than min-hosts, CPU swings above its warning level
/// (85) for three seconds, then dips just under it (to 82-83, within the rule's hysteresis of 5) for
/// a second and a half, over and over; at the end it calms down. The rule has no cooldown here, so
/// only the hysteresis stands between the swings and a flood of alerts.
/// </summary>
/// <remarks>
/// What the simulator sends is what the watcher's own threshold evaluator decides (the same
/// evaluator the agent runs). With the hysteresis holding, each flapping host sends one alert when
/// the breach first lasts the rule's two seconds and one resolution when the metric finally drops
/// below 80, however often it crossed 85 in between; without it there would be an alert and a
/// resolution per swing. The monitor then sees two alerts per host from fewer than min-hosts hosts:
/// nothing to correlate.
/// </remarks>
public sealed class FlappingScenario : Scenario
{
    private static readonly TimeSpan Above = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Dip = TimeSpan.FromSeconds(1.5);

    /// <summary>The shipped CPU rule, without cooldown: the hysteresis alone must hold.</summary>
    internal static readonly ThresholdRule Rule = WatcherBehaviour.CpuHigh with { Cooldown = TimeSpan.Zero };

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _crossings = new(StringComparer.Ordinal);

    public override string Name => "flapping";

    public override string Behaviour =>
        "on fewer than min-hosts hosts CPU swings above 85 for 3 s and dips to 82-83 for 1.5 s, again and again (hysteresis 5, no cooldown), then calms down";

    public override string Expectation =>
        "the watcher-side hysteresis holds: one alert and one resolution per flapping host, whatever the number of swings; all accepted; no incident";

    public override IReadOnlyList<string> Problems(SimulationSettings settings) =>
    [
        .. settings.MonitorSettings.MinHosts < 2 ? ["needs monitor.correlation.min-hosts of at least 2 (with 1, any alert is an incident)"] : Array.Empty<string>(),
        .. settings.MonitorSettings.StormAlerts <= 2 ? ["needs monitor.correlation.storm-alerts above 2 (an alert and its resolution would be a storm)"] : Array.Empty<string>(),
        .. settings.Duration < TimeSpan.FromSeconds(15) ? ["needs --duration of at least 15s (two swings after the first alert)"] : Array.Empty<string>(),
        .. settings.SampleInterval > TimeSpan.FromSeconds(1) ? ["needs a sample interval of 1 s or less (a swing lasts 1.5 s)"] : Array.Empty<string>(),
    ];

    internal static int Flappers(ScenarioContext context) => Math.Min(context.Watchers.Count, context.Monitor.MinHosts - 1);

    public override Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var from = context.At(0.1);
        var until = context.At(0.8);
        var flappers = Flappers(context);
        return Task.WhenAll(context.Watchers.Select(async (watcher, index) =>
        {
            var seed = context.Settings.Seed + index;
            var flapping = index < flappers;
            watcher.UseRules(flapping ? [Rule] : WatcherBehaviour.Rules);
            var previous = 0.0;
            var crossings = 0;
            await context.LiveAsync(watcher, at =>
            {
                var values = WatcherBehaviour.Quiet(seed, at);
                if (!flapping || at < from || at >= until)
                {
                    return values;
                }
                var phase = TimeSpan.FromTicks((at - from).Ticks % (Above + Dip).Ticks);
                var cpu = phase < Above ? 88 + 1.5 * context.NextDouble() : 82 + 1.5 * context.NextDouble();
                if (previous < Rule.Warn && cpu >= Rule.Warn)
                {
                    crossings++;
                }
                previous = cpu;
                return WatcherBehaviour.With(values, (WatcherBehaviour.Cpu, Math.Round(cpu, 1)));
            }, context.Duration, cancellationToken);
            if (flapping)
            {
                _crossings[watcher.HostId] = crossings;
            }
        }));
    }

    public override async Task<IReadOnlyList<Check>> CheckAsync(ScenarioContext context, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var flappers = context.Watchers.Take(Flappers(context)).ToList();
        var rows = flappers.Select(watcher => (watcher.HostId, Crossings: _crossings.GetValueOrDefault(watcher.HostId), Alerts: watcher.Tally().Of(MessageKind.Alert).Sent)).ToList();
        context.Note("flapping: " + string.Join("; ", rows.Select(row => $"{row.HostId} crossed 85 {row.Crossings} time(s), sent {row.Alerts} alert(s)")));
        return
        [
            Check.Of("hysteresis", rows.All(row => row.Alerts == 2 && row.Crossings >= 2),
                $"each of the {flappers.Count} flapping host(s) sends exactly one alert and one resolution while crossing the level again and again",
                string.Join("; ", rows.Select(row => $"{row.HostId}: {row.Crossings} crossings, {row.Alerts} alerts"))),
            Checks.AnswersAsExpected(context, "every heartbeat and alert accepted"),
            await Checks.CountersMatchAnswersAsync(context, cancellationToken),
            await Checks.NoIncidentAsync(context, $"no incident: two alerts each from {flappers.Count} host(s), below min-hosts and storm-alerts", cancellationToken),
        ];
    }
}
