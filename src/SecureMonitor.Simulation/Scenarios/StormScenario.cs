using System.Diagnostics;
using SecureMonitor.Simulation.Fleet;
using SecureMonitor.Simulation.Running;
using Severity = SecureMonitor.Protocol.Wire.Severity;

namespace SecureMonitor.Simulation.Scenarios;

/// <summary>
/// One misbehaving host floods the monitor with alerts, far beyond its per-host rate and the storm
/// size, while the others carry on quietly.
/// </summary>
public sealed class StormScenario : Scenario
{
    public override string Name => "storm";

    public override string Behaviour =>
        "one host floods alerts as fast as the monitor takes them (more than three seconds' worth at the per-host rate, and at least twice storm-alerts); the others heartbeat quietly";

    public override string Expectation =>
        "one alert_storm incident naming the flooding host only; its connection slowed (rate_limited counted) yet every alert accepted: nothing lost";

    /// <summary>Enough alerts to be a storm twice over and to outlast the per-host burst by seconds.</summary>
    internal static int FloodSize(MonitorSettings monitor) => Math.Max(2 * monitor.StormAlerts, 3 * monitor.HostMessagesPerSecond + monitor.StormAlerts);

    /// <summary>At the per-host rate, with its one-second burst, how long the monitor takes to let the flood in.</summary>
    internal static TimeSpan FloodTime(MonitorSettings monitor) =>
        TimeSpan.FromSeconds(Math.Max(0, FloodSize(monitor) - monitor.HostMessagesPerSecond) / (double)monitor.HostMessagesPerSecond);

    public override IReadOnlyList<string> Problems(SimulationSettings settings)
    {
        var needed = TimeSpan.FromSeconds(Math.Ceiling((FloodTime(settings.MonitorSettings) + TimeSpan.FromSeconds(3)).TotalSeconds / 0.8));
        return settings.Duration < needed
            ? [$"needs --duration of at least {needed.TotalSeconds:0}s ({FloodSize(settings.MonitorSettings)} alerts at {settings.MonitorSettings.HostMessagesPerSecond}/s)"]
            : [];
    }

    public override async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var routines = context.EveryoneLivesAsync(cancellationToken);
        await context.DelayUntilAsync(context.At(0.2), cancellationToken);
        await FloodAsync(context, context.Watchers[0], cancellationToken);
        await routines;
    }

    private static async Task FloodAsync(ScenarioContext context, VirtualWatcher flooder, CancellationToken cancellationToken)
    {
        var size = FloodSize(context.Monitor);
        var clock = Stopwatch.StartNew();
        var answers = new List<Task<Answer>>(size);
        for (var index = 0; index < size; index++)
        {
            var critical = index % 10 == 9;
            answers.Add(await flooder.SendAlertAsync(WatcherBehaviour.MadeUpAlert("app-errors", "app.errors", critical ? Severity.Critical : Severity.Warning,
                100 + index, critical ? 500 : 100, context.Time.GetUtcNow()), MessageKind.Flood, cancellationToken));
        }
        await Task.WhenAll(answers);
        var seconds = clock.Elapsed.TotalSeconds;
        context.Note($"flood: {size} alerts from {flooder.HostId} answered in {seconds:0.0} s ({size / Math.Max(seconds, 0.001):0}/s; " +
            $"the monitor lets one host through at {context.Monitor.HostMessagesPerSecond}/s after a one-second burst)");
    }

    public override async Task<IReadOnlyList<Check>> CheckAsync(ScenarioContext context, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var flooder = context.Watchers[0].HostId;
        var size = FloodSize(context.Monitor);
        var flood = context.Watchers[0].Tally().Of(MessageKind.Flood);
        var checks = new List<Check>
        {
            Checks.AnswersAsExpected(context, "every alert of the flood and every heartbeat accepted"),
            Check.Of("nothing lost", flood.Sent == size && flood.Accepted == size, $"all {size} flood alerts acknowledged as accepted (stored)",
                $"{flood.Sent} sent, {flood.Accepted} accepted, {flood.RejectedTotal} rejected, {flood.Unanswered} unanswered"),
            await Checks.CountersMatchAnswersAsync(context, cancellationToken),
        };

        var (limited, why) = await Checks.MonitorCountsAsync(context, Checks.RateLimited, cancellationToken);
        const string BackPressure = "back-pressure";
        var expected = $"the monitor slowed {flooder} (rate_limited counted for it) and no other host";
        if (limited is null)
        {
            checks.Add(Check.NotObserved(BackPressure, expected, why!));
        }
        else
        {
            var others = limited.Where(pair => pair.Key != flooder && pair.Value > 0).Select(pair => pair.Key).ToList();
            checks.Add(Check.Of(BackPressure, limited.GetValueOrDefault(flooder) > 0 && others.Count == 0, expected,
                $"rate_limited {limited.GetValueOrDefault(flooder)} for {flooder}" + (others.Count > 0 ? $"; also for {string.Join(", ", others)}" : "; none for the others")));
        }

        var (one, incident) = await Checks.ExactlyOneIncidentAsync(context, $"exactly one incident for the storm",
            found => found.Kinds.Contains("alert_storm") && found.Hosts.Contains(flooder), deadline, cancellationToken);
        checks.Add(one);
        if (incident is not null)
        {
            var quiet = incident.Hosts.Where(host => host != flooder && context.Hosts.Contains(host)).ToList();
            checks.Add(Check.Of("evidence", incident.Kinds.Contains("alert_storm") && incident.Hosts.Contains(flooder) && quiet.Count == 0,
                $"an alert_storm incident naming {flooder} and none of the quiet hosts",
                $"kinds {string.Join(", ", incident.Kinds.Order(StringComparer.Ordinal))}; hosts {string.Join(", ", incident.Hosts.Order(StringComparer.Ordinal).Take(5))}"));
        }
        return checks;
    }
}
