using SecureMonitor.Protocol;
using SecureMonitor.Simulation.Fleet;
using SecureMonitor.Simulation.Running;
using Severity = SecureMonitor.Protocol.Wire.Severity;

namespace SecureMonitor.Simulation.Scenarios;

/// <summary>
/// A third of the hosts (at least one) send envelopes altered after sealing, one bit flipped in the
/// ciphertext, the tag or the MAC, between their honest heartbeats: more of them within the tamper
/// window than the monitor's tamper threshold. The monitor's tampering alert opens an incident (an attack
/// signal); the altered envelopes carry SYN-flood alerts, so had any reached correlation its metrics would
/// show it.
/// </summary>
public sealed class TamperScenario : Scenario
{
    public override string Name => "tamper";

    public override string Behaviour =>
        "a third of the hosts send bit-flipped envelopes (ciphertext, tag or MAC; tamper-threshold + 2 each, within the tamper window) between honest heartbeats";

    public override string Expectation =>
        "each altered envelope refused for its reason (bad_tag, bad_hmac) and counted, honest traffic still accepted on the same connection, " +
        "a 'tampering suspected' alert for each tampering host, and one incident for it that names only them and none of the refused alerts";

    public override IReadOnlyList<string> Problems(SimulationSettings settings) =>
        settings.Duration < TimeSpan.FromSeconds(8) ? ["needs --duration of at least 8s"] : [];

    internal static int Tamperers(ScenarioContext context) => Math.Max(1, context.Watchers.Count / 3);

    internal static int PerHost(MonitorSettings monitor) => monitor.TamperThreshold + 2;

    public override async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var routines = context.EveryoneLivesAsync(cancellationToken);

        // Every tampered envelope of a host falls within the tamper window, so the threshold is reached.
        var perHost = PerHost(context.Monitor);
        var phase = TimeSpan.FromTicks(Math.Min(context.At(0.4).Ticks, context.Monitor.TamperWindow.Ticks / 2));
        var bits = Enumerable.Range(0, Tamperers(context) * perHost).Select(_ => context.Random.Next()).ToArray();
        var tampering = context.Watchers.Take(Tamperers(context)).Select(async (watcher, host) =>
        {
            var answers = new List<Task<Answer>>();
            for (var index = 0; index < perHost; index++)
            {
                await context.DelayUntilAsync(context.At(0.2) + phase * index / perHost, cancellationToken);
                var alert = WatcherBehaviour.MadeUpAlert(WatcherBehaviour.SynBacklog.Id, WatcherBehaviour.SynRecv, Severity.Critical, 5_000, 1_024, context.Time.GetUtcNow());
                answers.Add(await watcher.SendTamperedAsync(alert, (Tampering)(index % 3), bits[host * perHost + index], cancellationToken));
            }
            await Task.WhenAll(answers);
        });
        await Task.WhenAll([routines, .. tampering]);
        var tampered = Checks.Sum(context.Watchers, MessageKind.Tampered);
        context.Note($"tampered: {tampered.Sent} envelope(s) from {Tamperers(context)} host(s); refused: " +
            string.Join(", ", tampered.Rejected.OrderBy(pair => pair.Key).Select(pair => $"{pair.Key.ToMetricName()} {pair.Value}")));
    }

    public override async Task<IReadOnlyList<Check>> CheckAsync(ScenarioContext context, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var tamperers = context.Watchers.Take(Tamperers(context)).Select(watcher => watcher.HostId).ToHashSet(StringComparer.Ordinal);
        var checks = new List<Check>
        {
            Checks.AnswersAsExpected(context,
                "every altered envelope refused (ciphertext or tag: bad_tag; MAC: bad_hmac) and every honest one accepted, on the same connection"),
            await Checks.CountersMatchAnswersAsync(context, cancellationToken),
        };

        const string Name = "tampering alert";
        var expected = $"'tampering suspected' raised for each of the {tamperers.Count} tampering host(s) and for no honest one";
        var alerts = await context.ObserveUntilAsync(context.Observer.SecurityAlertsAsync,
            found => tamperers.IsSubsetOf(found.Select(alert => alert.Host)), deadline, cancellationToken);
        if (!alerts.Observed)
        {
            checks.Add(Check.NotObserved(Name, expected, alerts.NotObservable!));
        }
        else
        {
            var raised = alerts.Value!.Where(alert => context.Hosts.Contains(alert.Host)).Select(alert => alert.Host).ToHashSet(StringComparer.Ordinal);
            var missing = tamperers.Except(raised).ToList();
            var honest = raised.Except(tamperers).ToList();
            checks.Add(Check.Of(Name, missing.Count == 0 && honest.Count == 0, expected,
                $"raised for {raised.Intersect(tamperers).Count()} tampering host(s)" +
                (missing.Count > 0 ? $"; missing for {string.Join(", ", missing.Take(5))}" : "") +
                (honest.Count > 0 ? $"; also for honest {string.Join(", ", honest.Take(5))}" : "")));
        }

        checks.AddRange(await Checks.TamperingIncidentAsync(context, tamperers,
            "one security.tampering incident naming exactly the tampering host(s); the refused envelopes' SYN-flood alerts never reach correlation",
            deadline, cancellationToken));
        return checks;
    }
}
