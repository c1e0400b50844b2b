using SecureMonitor.Simulation.Fleet;
using SecureMonitor.Simulation.Running;

namespace SecureMonitor.Simulation.Scenarios;

/// <summary>
/// An ordinary day: every watcher heartbeats with quiet metrics, and a few hosts (fewer than the
/// monitor's min-hosts, so never a distributed episode) run hot once: CPU above its warning level
/// long enough to fire, then back down, so the alert resolves.
/// </summary>
public sealed class NormalScenario : Scenario
{
    public override string Name => "normal";

    public override string Behaviour =>
        "heartbeats with quiet metrics; fewer than min-hosts hosts each cross the CPU warning level once (one alert, then its resolution)";

    public override string Expectation => "every message accepted, nothing refused, no incident";

    public override IReadOnlyList<string> Problems(SimulationSettings settings) =>
    [
        .. settings.MonitorSettings.MinHosts < 2 ? ["needs monitor.correlation.min-hosts of at least 2 (with 1, any alert is an incident)"] : Array.Empty<string>(),
        .. settings.Duration < TimeSpan.FromSeconds(10) ? ["needs --duration of at least 10s (an alert must hold 2 s, then recover)"] : Array.Empty<string>(),
    ];

    /// <summary>The hosts that run hot once: fewer than min-hosts.</summary>
    internal static int AlertingHosts(ScenarioContext context) => Math.Min(context.Watchers.Count, context.Monitor.MinHosts - 1);

    public override Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var alerting = AlertingHosts(context);
        var hot = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(4).Ticks, context.At(0.2).Ticks));
        TimeSpan From(int index) => context.At(0.15 + 0.4 * index / Math.Max(1, alerting));
        return context.EveryoneLivesAsync(cancellationToken, (index, at) => index < alerting && at >= From(index) && at < From(index) + hot
            ? WatcherBehaviour.With(context.Quiet(index, at), (WatcherBehaviour.Cpu, 89 + 2 * Math.Sin(at.TotalSeconds)))
            : context.Quiet(index, at));
    }

    public override async Task<IReadOnlyList<Check>> CheckAsync(ScenarioContext context, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var alerting = AlertingHosts(context);
        var alerts = context.Watchers.Take(alerting).Select(watcher => watcher.Tally().Of(MessageKind.Alert).Accepted).ToList();
        return
        [
            Checks.AnswersAsExpected(context, "every heartbeat and alert accepted"),
            await Checks.CountersMatchAnswersAsync(context, cancellationToken),
            Check.Of("traffic", alerts.All(count => count == 2) && Checks.Sum(context.Watchers.Skip(alerting), MessageKind.Alert).Sent == 0,
                $"{alerting} host(s) each send one alert and its resolution; the others no alert",
                $"alerts accepted per alerting host: {string.Join(", ", alerts)}; from the others: {Checks.Sum(context.Watchers.Skip(alerting), MessageKind.Alert).Sent}"),
            await Checks.NoIncidentAsync(context, $"no incident: alerts from {alerting} host(s) stay below min-hosts ({context.Monitor.MinHosts})", cancellationToken),
        ];
    }
}
