using SecureMonitor.Simulation.Running;

namespace SecureMonitor.Simulation.Scenarios;

/// <summary>
/// Agents silenced, as an intruder would first do: after a warm-up in which every watcher
/// heartbeats, at least min-hosts of them (half the fleet if that is more) stop and close their
/// connections; the rest carry on as a control group.
/// </summary>
public sealed class SilenceScenario : Scenario
{
    public const string SilencedMetric = "watcher.silenced";

    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(3);

    public override string Name => "silence";

    public override string Behaviour =>
        "after a warm-up, at least min-hosts hosts (half the fleet if more) stop heartbeating and close their connections; the others carry on";

    public override string Expectation =>
        "each silenced host Down after down-after and none of the others; one watcher.silenced incident naming exactly the silenced hosts (when they are min-hosts or more)";

    internal static TimeSpan WarmUp(SimulationSettings settings) =>
        TimeSpan.FromTicks(Math.Max(3 * settings.HeartbeatInterval.Ticks, (long)(0.15 * settings.Duration.Ticks)));

    internal static int Silenced(ScenarioContext context) =>
        Math.Min(context.Watchers.Count, Math.Max(context.Monitor.MinHosts, (context.Watchers.Count + 1) / 2));

    public override IReadOnlyList<string> Problems(SimulationSettings settings)
    {
        var needed = TimeSpan.FromSeconds(Math.Ceiling((WarmUp(settings) + settings.MonitorSettings.DownAfter + Margin).TotalSeconds));
        return settings.Duration < needed
            ? [$"needs --duration of at least {needed.TotalSeconds:0}s (warm-up, then monitor.liveness.down-after of {settings.MonitorSettings.DownAfter.TotalSeconds:0.#} s and a margin)"]
            : [];
    }

    public override Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var warmUp = WarmUp(context.Settings);
        var silenced = Silenced(context);
        context.Note($"{silenced} host(s) silenced at {warmUp.TotalSeconds:0.#} s; {context.Watchers.Count - silenced} kept heartbeating");
        return Task.WhenAll(context.Watchers.Select(async (watcher, index) =>
        {
            watcher.UseRules(WatcherBehaviour.Rules);
            var seed = context.Settings.Seed + index;
            var silent = index < silenced;
            await context.LiveAsync(watcher, at => WatcherBehaviour.Quiet(seed, at), silent ? warmUp : context.Duration, cancellationToken);
            if (silent)
            {
                await watcher.DrainAsync(context.Settings.ConnectTimeout, cancellationToken);
                await watcher.DisconnectAsync();
            }
        }));
    }

    public override async Task<IReadOnlyList<Check>> CheckAsync(ScenarioContext context, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var silenced = context.Watchers.Take(Silenced(context)).Select(watcher => watcher.HostId).ToHashSet(StringComparer.Ordinal);
        var control = context.Hosts.Except(silenced).ToHashSet(StringComparer.Ordinal);
        var checks = new List<Check>
        {
            Checks.AnswersAsExpected(context, "every heartbeat accepted"),
            await Checks.CountersMatchAnswersAsync(context, cancellationToken),
        };

        const string Name = "down";
        var expected = $"each of the {silenced.Count} silenced host(s) Down, none of the {control.Count} others";
        var states = await context.ObserveUntilAsync(context.Observer.HostStatesAsync,
            found => silenced.IsSubsetOf(found.Where(change => change.To == "Down").Select(change => change.Host)), deadline, cancellationToken);
        if (!states.Observed)
        {
            checks.Add(Check.NotObserved(Name, expected, states.NotObservable!));
        }
        else
        {
            var down = states.Value!.Where(change => change.To == "Down").Select(change => change.Host).ToHashSet(StringComparer.Ordinal);
            var missing = silenced.Except(down).ToList();
            var wrongly = control.Intersect(down).ToList();
            checks.Add(Check.Of(Name, missing.Count == 0 && wrongly.Count == 0, expected,
                $"{silenced.Intersect(down).Count()} silenced host(s) Down" +
                (missing.Count > 0 ? $"; not Down: {string.Join(", ", missing.Take(5))}" : "") +
                (wrongly.Count > 0 ? $"; control hosts Down: {string.Join(", ", wrongly.Take(5))}" : "")));
        }

        if (silenced.Count >= context.Monitor.MinHosts)
        {
            var (one, incident) = await Checks.ExactlyOneIncidentAsync(context, "exactly one incident for the silenced watchers",
                found => found.Metrics.ContainsKey(SilencedMetric) && found.Hosts.IsSupersetOf(silenced), deadline, cancellationToken);
            checks.Add(one);
            if (incident is not null)
            {
                var named = incident.Hosts.Where(context.Hosts.Contains).ToHashSet(StringComparer.Ordinal);
                checks.Add(Check.Of("evidence", incident.Metrics.ContainsKey(SilencedMetric) && named.SetEquals(silenced),
                    $"a {SilencedMetric} incident naming exactly the {silenced.Count} silenced host(s)",
                    $"metrics {string.Join(", ", incident.Metrics.Keys.Order(StringComparer.Ordinal))}; names {named.Intersect(silenced).Count()} silenced and {named.Intersect(control).Count()} control host(s)"));
            }
        }
        else
        {
            checks.Add(await Checks.NoIncidentAsync(context, $"no incident: {silenced.Count} silenced host(s), below min-hosts ({context.Monitor.MinHosts})", cancellationToken));
        }
        return checks;
    }
}
