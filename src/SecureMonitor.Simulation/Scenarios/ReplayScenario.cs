using SecureMonitor.Protocol.Wire;
using SecureMonitor.Simulation.Fleet;
using SecureMonitor.Simulation.Running;

namespace SecureMonitor.Simulation.Scenarios;

/// <summary>
/// Envelopes the monitor already acknowledged come again, as the same sealed bytes: every host
/// resends its last few on the same connection, and again after reconnecting (as a watcher that
/// lost its acknowledgements would), and one host's alert is replayed storm-alerts times (as an
/// attacker who captured it would, hoping for a storm incident). Resending more than the tamper threshold
/// within the tamper window is tampering: the monitor raises it for each host, one incident.
/// </summary>
public sealed class ReplayScenario : Scenario
{
    private const int Resent = 5;

    /// <summary>Per host: the highest sequence accepted before reconnecting, and the mark the monitor resumed it after.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (ulong Accepted, ulong Resumed)> _marks = new(StringComparer.Ordinal);

    public override string Name => "replay";

    public override string Behaviour =>
        "every host resends its last acknowledged envelopes on the same connection and again after reconnecting; one host's alert is replayed storm-alerts times";

    public override string Expectation =>
        "every replay acknowledged as a duplicate and counted (replay), never processed again: high-water marks unchanged, no storm; " +
        "replaying past the tamper threshold is tampering: one incident for it naming every host";

    public override IReadOnlyList<string> Problems(SimulationSettings settings) =>
        settings.Duration < TimeSpan.FromSeconds(10) ? ["needs --duration of at least 10s (the replayed alert must fire first)"] : [];

    public override async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        // The first host runs hot at the start, so it has an alert worth replaying.
        var hotUntil = context.At(0.3);
        var routines = context.EveryoneLivesAsync(cancellationToken, (index, at) => index == 0 && at < hotUntil
            ? WatcherBehaviour.With(context.Quiet(index, at), (WatcherBehaviour.Cpu, 90))
            : context.Quiet(index, at));

        await context.DelayUntilAsync(context.At(0.45), cancellationToken);
        var resent = context.Watchers.ToDictionary(watcher => watcher.HostId,
            watcher => watcher.AcceptedEnvelopes().TakeLast(Resent).Select(entry => entry.Envelope).ToList());
        await Task.WhenAll(context.Watchers.Select(watcher => ReplayAllAsync(watcher, resent[watcher.HostId], cancellationToken)));

        var victim = context.Watchers[0];
        var captured = victim.AcceptedEnvelopes().Where(entry => entry.Kind == MessageKind.Alert).Select(entry => entry.Envelope).FirstOrDefault();
        if (captured is null)
        {
            context.Note($"{victim.HostId} had no accepted alert to replay");
        }
        else
        {
            await ReplayAllAsync(victim, Enumerable.Repeat(captured, context.Monitor.StormAlerts), cancellationToken);
            context.Note($"{victim.HostId}'s alert replayed {context.Monitor.StormAlerts} times (storm-alerts)");
        }

        await context.DelayUntilAsync(context.At(0.65), cancellationToken);
        await Task.WhenAll(context.Watchers.Select(async watcher =>
        {
            var before = await watcher.ReconnectAsync(context.Settings.Monitor, context.Settings.ConnectTimeout, cancellationToken);
            _marks[watcher.HostId] = (before, watcher.ResumedAfter);
            await ReplayAllAsync(watcher, resent[watcher.HostId], cancellationToken);
        }));
        await routines;
    }

    private static async Task ReplayAllAsync(VirtualWatcher watcher, IEnumerable<SealedEnvelope> envelopes, CancellationToken cancellationToken)
    {
        var answers = new List<Task<Answer>>();
        foreach (var envelope in envelopes)
        {
            answers.Add(await watcher.ReplayAsync(envelope, cancellationToken));
        }
        await Task.WhenAll(answers);
    }

    public override async Task<IReadOnlyList<Check>> CheckAsync(ScenarioContext context, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var replayed = Checks.Sum(context.Watchers, MessageKind.Replayed);
        var moved = _marks.Where(pair => pair.Value.Resumed != pair.Value.Accepted)
            .Select(pair => $"{pair.Key}: accepted up to {pair.Value.Accepted}, mark {pair.Value.Resumed}").ToList();
        var hadAlert = context.Watchers[0].Tally().Of(MessageKind.Alert).Accepted > 0;
        var replayers = context.Watchers.Where(watcher => watcher.Tally().Of(MessageKind.Replayed).Sent >= context.Monitor.TamperThreshold)
            .Select(watcher => watcher.HostId).ToHashSet(StringComparer.Ordinal);
        // The hot host's CPU alerts may be in the correlation window when the incident opens: allowed, as long as it is no storm.
        var incident = await Checks.TamperingIncidentAsync(context, replayers,
            $"one security.tampering incident naming the {replayers.Count} host(s) that replayed past the tamper threshold; the alert replayed " +
            $"{context.Monitor.StormAlerts} times is not processed again (processed, it would be a storm)",
            deadline, cancellationToken, WatcherBehaviour.Cpu);
        var storm = await context.OurIncidentsAsync(cancellationToken);
        return
        [
            .. incident,
            Check.Of("no storm", storm.Observed && storm.Value!.All(found => !found.Kinds.Contains("alert_storm")),
                "no incident is an alert storm", storm.Observed ? string.Join("; ", storm.Value!.Select(Checks.Describe)) : storm.NotObservable!),
            Checks.AnswersAsExpected(context, "every replay acknowledged as a duplicate; every fresh message accepted"),
            await Checks.CountersMatchAnswersAsync(context, cancellationToken),
            Check.Of("marks", _marks.Count == context.Watchers.Count && moved.Count == 0,
                "after the replays each host's high-water mark (told at reconnect) is still its last accepted sequence",
                moved.Count == 0 ? $"unchanged for {_marks.Count} host(s) ({replayed.Duplicate} duplicates acknowledged)" : string.Join("; ", moved.Take(5))),
            Check.Of("traffic", hadAlert, $"{context.Watchers[0].HostId} has an accepted alert to replay", hadAlert ? "it had" : "it had none"),
        ];
    }
}
