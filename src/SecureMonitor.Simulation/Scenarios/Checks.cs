using SecureMonitor.Analysis.Correlation;
using SecureMonitor.Protocol;
using SecureMonitor.Simulation.Fleet;
using SecureMonitor.Simulation.Observation;

namespace SecureMonitor.Simulation.Scenarios;

/// <summary>Checks several scenarios share.</summary>
public static class Checks
{
    /// <summary>The refusal the monitor counts but never sends (it slows the connection instead).</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>Every envelope got the answer the protocol calls for, and none went unanswered.</summary>
    public static Check AnswersAsExpected(ScenarioContext context, string expected)
    {
        var tallies = context.Watchers.Select(watcher => watcher.Tally()).ToList();
        var sent = tallies.Sum(tally => tally.Total.Sent);
        var surprises = tallies.Sum(tally => tally.Surprises);
        var unanswered = tallies.Sum(tally => tally.Total.Unanswered);
        var examples = tallies.SelectMany(tally => tally.SurpriseExamples).Take(3).Select(surprise => surprise.ToString()).ToList();
        var observed = surprises == 0 && unanswered == 0
            ? $"all {sent} envelope(s) answered as expected"
            : $"{surprises} unexpected answer(s){(examples.Count > 0 ? $" (e.g. {string.Join("; ", examples)})" : "")}, {unanswered} unanswered of {sent}";
        return Check.Of("answers", surprises == 0 && unanswered == 0 && sent > 0, expected, observed);
    }

    /// <summary>
    /// The monitor's own refusal counters (admin <c>status</c>) for this run's hosts agree with the
    /// answers the watchers received: each rejection on the wire counted once under its reason, each
    /// duplicate counted as <c>replay</c>. Rate limiting is left out: it is counted, never answered.
    /// </summary>
    public static async Task<Check> CountersMatchAnswersAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        const string Name = "monitor counters";
        const string Expected = "the monitor's refusal counters for the virtual hosts equal the refusals and duplicates they were answered with";
        var counters = await context.Observer.RejectionsAsync(cancellationToken);
        if (!counters.Observed)
        {
            return Check.NotObserved(Name, Expected, counters.NotObservable!);
        }
        var monitor = counters.Value!
            .Where(counter => context.Hosts.Contains(counter.Host) && counter.Reason != RateLimited)
            .GroupBy(counter => (counter.Host, counter.Reason))
            .ToDictionary(group => group.Key, group => group.Sum(counter => counter.Count));
        var wire = new Dictionary<(string Host, string Reason), long>();
        foreach (var tally in context.Watchers.Select(watcher => watcher.Tally()))
        {
            foreach (var kind in tally.Kinds.Values)
            {
                foreach (var (reason, count) in kind.Rejected)
                {
                    Add(wire, (tally.HostId, reason.ToMetricName()), count);
                }
                Add(wire, (tally.HostId, RejectionReason.Replay.ToMetricName()), kind.Duplicate);
            }
        }
        var differences = monitor.Keys.Union(wire.Keys)
            .Where(key => monitor.GetValueOrDefault(key) != wire.GetValueOrDefault(key))
            .OrderBy(key => key.Host, StringComparer.Ordinal).ThenBy(key => key.Reason, StringComparer.Ordinal)
            .Select(key => $"{key.Host} {key.Reason}: monitor {monitor.GetValueOrDefault(key)}, answers {wire.GetValueOrDefault(key)}")
            .ToList();
        var counted = monitor.Values.Sum();
        return Check.Of(Name, differences.Count == 0, Expected, differences.Count == 0
            ? $"they agree ({counted} refusal(s) and duplicate(s) counted{Describe(monitor)})"
            : $"{differences.Count} difference(s): {string.Join("; ", differences.Take(5))}");
    }

    /// <summary>No incident names any of this run's hosts.</summary>
    public static async Task<Check> NoIncidentAsync(ScenarioContext context, string expected, CancellationToken cancellationToken)
    {
        var incidents = await context.OurIncidentsAsync(cancellationToken);
        if (!incidents.Observed)
        {
            return Check.NotObserved("no incident", expected, incidents.NotObservable!);
        }
        return Check.Of("no incident", incidents.Value!.Count == 0, expected,
            incidents.Value!.Count == 0 ? "no incident names a virtual host"
                : $"{incidents.Value!.Count} incident(s): {string.Join("; ", incidents.Value!.Select(Describe))}{Foreign(context, incidents.Value!)}");
    }

    /// <summary>
    /// The monitor's tampering alerts are an attack signal: exactly one incident, naming exactly
    /// <paramref name="suspects"/>, whose metrics are <see cref="CorrelationOptions.TamperingMetric"/> and
    /// <paramref name="alsoAllowed"/> only (so nothing refused reached correlation).
    /// </summary>
    public static async Task<IReadOnlyList<Check>> TamperingIncidentAsync(ScenarioContext context, IReadOnlySet<string> suspects, string expected,
        DateTimeOffset deadline, CancellationToken cancellationToken, params string[] alsoAllowed)
    {
        var (one, incident) = await ExactlyOneIncidentAsync(context, "exactly one incident for the tampering",
            found => found.Metrics.ContainsKey(CorrelationOptions.TamperingMetric) && found.Hosts.IsSupersetOf(suspects), deadline, cancellationToken);
        if (incident is null)
        {
            return [one];
        }
        var named = incident.Hosts.Where(context.Hosts.Contains).ToHashSet(StringComparer.Ordinal);
        var others = incident.Metrics.Keys.Where(metric => metric != CorrelationOptions.TamperingMetric && !alsoAllowed.Contains(metric))
            .Order(StringComparer.Ordinal).ToList();
        return
        [
            one,
            Check.Of("evidence", incident.Metrics.ContainsKey(CorrelationOptions.TamperingMetric) && named.SetEquals(suspects) && others.Count == 0, expected,
                $"metrics {string.Join(", ", incident.Metrics.Keys.Order(StringComparer.Ordinal))}; names {named.Intersect(suspects).Count()} of " +
                $"{suspects.Count} suspect(s) and {named.Except(suspects).Count()} other host(s)"),
        ];
    }

    /// <summary>Waits (until <paramref name="deadline"/>) for an incident naming this run's hosts and expects exactly one.</summary>
    public static async Task<(Check Check, IncidentSighting? Incident)> ExactlyOneIncidentAsync(ScenarioContext context, string expected,
        Func<IncidentSighting, bool> complete, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var incidents = await context.ObserveUntilAsync(context.OurIncidentsAsync, found => found.Count == 1 && complete(found[0]), deadline, cancellationToken);
        if (!incidents.Observed)
        {
            return (Check.NotObserved("one incident", expected, incidents.NotObservable!), null);
        }
        var found = incidents.Value!;
        var check = Check.Of("one incident", found.Count == 1, expected, found.Count switch
        {
            0 => "no incident names a virtual host",
            1 => Describe(found[0]),
            _ => $"{found.Count} incidents: {string.Join("; ", found.Select(Describe))}{Foreign(context, found)}",
        });
        return (check, found.Count == 1 ? found[0] : null);
    }

    /// <summary>The refusal count of one reason per host of this run, as the monitor reports it (null when not observable).</summary>
    public static async Task<(IReadOnlyDictionary<string, long>? Counts, string? Why)> MonitorCountsAsync(ScenarioContext context, string reason,
        CancellationToken cancellationToken)
    {
        var counters = await context.Observer.RejectionsAsync(cancellationToken);
        if (!counters.Observed)
        {
            return (null, counters.NotObservable);
        }
        return (counters.Value!.Where(counter => counter.Reason == reason && context.Hosts.Contains(counter.Host))
            .GroupBy(counter => counter.Host).ToDictionary(group => group.Key, group => group.Sum(counter => counter.Count)), null);
    }

    /// <summary>
    /// Names hosts outside this run that share its incidents: an earlier run's virtual watchers going
    /// Down (silenced) or real watchers alerting make the run's alerts join their incident, which is
    /// the monitor doing its job, not the scenario's doing.
    /// </summary>
    private static string Foreign(ScenarioContext context, IReadOnlyList<IncidentSighting> incidents)
    {
        var foreign = incidents.SelectMany(incident => incident.Hosts).Where(host => !context.Hosts.Contains(host)).Distinct().Order(StringComparer.Ordinal).ToList();
        return foreign.Count == 0 ? ""
            : $"; it also names {foreign.Count} host(s) outside this run (e.g. {string.Join(", ", foreign.Take(3))}): run scenarios against a monitor no other alerts reach, " +
              "and after a run wait monitor.liveness.down-after plus the correlation window, as its virtual watchers are then reported silenced";
    }

    public static string Describe(IncidentSighting incident) =>
        $"{incident.Id} ({incident.State}; {string.Join(", ", incident.Kinds.Order(StringComparer.Ordinal))}; " +
        $"{incident.Hosts.Count} host(s); metrics {string.Join(", ", incident.Metrics.Keys.Order(StringComparer.Ordinal))})";

    /// <summary>The kinds of this run's messages, summed over the fleet.</summary>
    public static KindTally Sum(IEnumerable<VirtualWatcher> watchers, MessageKind kind) =>
        watchers.Select(watcher => watcher.Tally().Of(kind)).Aggregate(KindTally.Empty, (sum, tally) => sum.Plus(tally));

    private static string Describe(Dictionary<(string Host, string Reason), long> counts)
    {
        var byReason = counts.GroupBy(entry => entry.Key.Reason).Select(group => $"{group.Key} {group.Sum(entry => entry.Value)}").ToList();
        return byReason.Count == 0 ? "" : ": " + string.Join(", ", byReason);
    }

    private static void Add(Dictionary<(string Host, string Reason), long> counts, (string Host, string Reason) key, long count)
    {
        if (count != 0)
        {
            counts[key] = counts.GetValueOrDefault(key) + count;
        }
    }
}
