using SecureMonitor.Protocol;
using SecureMonitor.Simulation.Fleet;
using SecureMonitor.Simulation.Observation;
using SecureMonitor.Simulation.Scenarios;

namespace SecureMonitor.Simulation.Running;

/// <summary>
/// What one run sent, how the monitor answered, what it reported, and each check's outcome.
/// <see cref="AsExpected"/> holds when no check failed; checks that could not be observed are
/// listed as such and count neither way.
/// </summary>
public sealed record SimulationReport(
    string Scenario,
    SimulationSettings Settings,
    string RunId,
    TimeSpan Elapsed,
    IReadOnlyList<WatcherTally> Tallies,
    int Connected,
    IReadOnlyList<string> Notes,
    IReadOnlyList<RejectionCounter>? MonitorCounters,
    IReadOnlyList<IncidentSighting>? Incidents,
    IReadOnlyList<Check> Checks,
    IReadOnlyList<string> Sources)
{
    public bool AsExpected => Checks.Count > 0 && Checks.All(check => check.Outcome != CheckOutcome.Failed);

    public IReadOnlyList<Check> Failed => [.. Checks.Where(check => check.Outcome == CheckOutcome.Failed)];

    public IReadOnlyList<Check> NotObserved => [.. Checks.Where(check => check.Outcome == CheckOutcome.NotObserved)];

    public KindTally Of(MessageKind kind) => Tallies.Select(tally => tally.Of(kind)).Aggregate(KindTally.Empty, (sum, tally) => sum.Plus(tally));

    public void WriteTo(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"summary of {Scenario} (run {RunId}, {Connected} virtual watcher(s), {Elapsed.TotalSeconds:0.0} s)");
        output.WriteLine($"  {"",-10} {"sent",9} {"accepted",9} {"duplicate",9} {"rejected",9} {"unanswered",10}");
        var total = KindTally.Empty;
        foreach (var kind in Enum.GetValues<MessageKind>())
        {
            var tally = Of(kind);
            total = total.Plus(tally);
            if (tally.Sent > 0)
            {
                WriteRow(output, Label(kind), tally);
            }
        }
        WriteRow(output, "total", total);
        output.WriteLine($"  refused, by reason: {Reasons(total.Rejected.Select(pair => (pair.Key.ToMetricName(), pair.Value)))}");
        output.WriteLine(MonitorCounters is null
            ? "  monitor's refusal counters: not observable"
            : $"  monitor's refusal counters for these hosts: {Reasons(MonitorCounters.GroupBy(counter => counter.Reason).Select(group => (group.Key, group.Sum(counter => counter.Count))))}");
        if (Incidents is null)
        {
            output.WriteLine("  incidents: not observable");
        }
        else
        {
            output.WriteLine($"  incidents naming these hosts: {(Incidents.Count == 0 ? "none" : Incidents.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))}");
            foreach (var incident in Incidents)
            {
                output.WriteLine($"    {incident.Id} {incident.State}, {incident.Severity}: {incident.Title}");
                output.WriteLine($"      {incident.Summary}");
                output.WriteLine($"      peaks: {string.Join(", ", incident.Metrics.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key} {pair.Value:0.##}"))}; changes: {string.Join(", ", incident.Changes)}");
            }
        }
        foreach (var note in Notes)
        {
            output.WriteLine($"  {note}");
        }

        output.WriteLine($"  the virtual watchers have stopped: after monitor.liveness.down-after ({Settings.MonitorSettings.DownAfter.TotalSeconds:0.#} s) the monitor " +
            $"reports them silenced{(Connected >= Settings.MonitorSettings.MinHosts ? " (a watcher.silenced incident, as for real watchers)" : "")}");
        output.WriteLine("checks:");
        foreach (var check in Checks)
        {
            var mark = check.Outcome switch { CheckOutcome.Passed => "PASS", CheckOutcome.Failed => "FAIL", _ => "N/A " };
            output.WriteLine($"  {mark}  {check.Name}");
            output.WriteLine($"          expected: {check.Expected}");
            output.WriteLine($"          observed: {check.Observed}");
        }
        var unobserved = NotObserved.Count > 0 ? $"; {NotObserved.Count} check(s) could not be observed ({string.Join(", ", NotObserved.Select(check => check.Name))})" : "";
        output.WriteLine(AsExpected
            ? $"result: the monitor reacted as expected{unobserved}"
            : $"result: NOT as expected: {string.Join(", ", Failed.Select(check => check.Name))} failed{unobserved}");
    }

    private static string Label(MessageKind kind) => kind switch
    {
        MessageKind.Heartbeat => "heartbeats",
        MessageKind.Alert => "alerts",
        MessageKind.Flood => "flood",
        MessageKind.Tampered => "tampered",
        _ => "replayed",
    };

    private static void WriteRow(TextWriter output, string label, KindTally tally) =>
        output.WriteLine($"  {label,-10} {tally.Sent,9} {tally.Accepted,9} {tally.Duplicate,9} {tally.RejectedTotal,9} {tally.Unanswered,10}");

    private static string Reasons(IEnumerable<(string Reason, long Count)> counts)
    {
        var listed = counts.Where(pair => pair.Count > 0).OrderBy(pair => pair.Reason, StringComparer.Ordinal).Select(pair => $"{pair.Reason} {pair.Count}").ToList();
        return listed.Count == 0 ? "none" : string.Join(", ", listed);
    }
}
