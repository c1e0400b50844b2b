using SecureMonitor.Simulation.Fleet;
using SecureMonitor.Simulation.Running;

namespace SecureMonitor.Simulation.Scenarios;

/// <summary>
/// A distributed SYN flood: after a quiet start every host, one after another within the
/// correlation window, sees its SYN_RECV backlog and listen-queue overflows climb; its rules fire
/// (warning, then critical), and resolve once the attack ends.
/// </summary>
public sealed class DosScenario : Scenario
{
    public override string Name => "dos";

    public override string Behaviour =>
        "after a quiet start every host, staggered within the window, sees tcp.syn_recv and tcp.listen_overflows climb; its rules fire, escalate, and resolve when the attack ends";

    public override string Expectation => "exactly one incident (network_attack, and distributed_alerts with min-hosts or more hosts) naming every attacked host; every message accepted";

    public override IReadOnlyList<string> Problems(SimulationSettings settings) =>
        settings.Duration < TimeSpan.FromSeconds(12) ? ["needs --duration of at least 12s (the attack must last long enough to escalate)"] : [];

    internal TimeSpan AttackStart(ScenarioContext context, int index) =>
        context.At(0.2) + TimeSpan.FromTicks(Math.Min(context.Monitor.Window.Ticks / 2, context.At(0.2).Ticks)) * index / context.Watchers.Count;

    public override Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var end = context.At(0.7);
        context.Note($"attack from {context.At(0.2).TotalSeconds:0.#} s to {end.TotalSeconds:0.#} s on {context.Watchers.Count} host(s)");
        return context.EveryoneLivesAsync(cancellationToken, (index, at) =>
        {
            var quiet = context.Quiet(index, at);
            var start = AttackStart(context, index);
            if (at < start || at >= end)
            {
                return quiet;
            }
            var attacked = (at - start).TotalSeconds;
            // The backlog passes the warning level at once and the critical one after 3 s; overflows follow.
            var synRecv = attacked < 3 ? 300 + 100 * attacked : 1_200 + 400 * Math.Abs(Math.Sin(attacked + index));
            var overflows = Math.Min(400, 20 + 40 * attacked);
            return WatcherBehaviour.With(quiet, (WatcherBehaviour.SynRecv, Math.Round(synRecv)), (WatcherBehaviour.ListenOverflows, Math.Round(overflows)),
                (WatcherBehaviour.Cpu, 60 + 10 * Math.Sin(attacked)));
        });
    }

    public override async Task<IReadOnlyList<Check>> CheckAsync(ScenarioContext context, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var attacked = context.Watchers.Where(watcher => watcher.Tally().Of(MessageKind.Alert).Accepted > 0).Select(watcher => watcher.HostId)
            .ToHashSet(StringComparer.Ordinal);
        var distributed = context.Watchers.Count >= context.Monitor.MinHosts;
        string[] kinds = distributed ? ["network_attack", "distributed_alerts"] : ["network_attack"];
        var checks = new List<Check>
        {
            Checks.AnswersAsExpected(context, "every heartbeat and alert accepted"),
            await Checks.CountersMatchAnswersAsync(context, cancellationToken),
            Check.Of("traffic", attacked.Count == context.Watchers.Count, $"all {context.Watchers.Count} host(s) raise attack alerts",
                $"{attacked.Count} host(s) had attack alerts accepted"),
        };
        var (one, incident) = await Checks.ExactlyOneIncidentAsync(context,
            "exactly one incident for the episode, not one per alert or host",
            found => found.Hosts.IsSupersetOf(attacked) && kinds.All(found.Kinds.Contains), deadline, cancellationToken);
        checks.Add(one);
        if (incident is not null)
        {
            var missing = attacked.Except(incident.Hosts).Order(StringComparer.Ordinal).ToList();
            checks.Add(Check.Of("evidence", missing.Count == 0 && kinds.All(incident.Kinds.Contains),
                $"the incident names all {attacked.Count} attacked host(s) and is {string.Join(" and ", kinds)}",
                $"{incident.Hosts.Count(context.Hosts.Contains)} of them named{(missing.Count > 0 ? $" (missing {string.Join(", ", missing.Take(5))})" : "")}; " +
                $"kinds {string.Join(", ", incident.Kinds.Order(StringComparer.Ordinal))}; " +
                $"peaks {string.Join(", ", incident.Metrics.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key} {pair.Value:0.##}"))}"));
        }
        return checks;
    }
}
