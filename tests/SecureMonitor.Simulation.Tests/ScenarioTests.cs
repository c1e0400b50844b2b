using SecureMonitor.Simulation.Fleet;
using SecureMonitor.Simulation.Running;
using SecureMonitor.Simulation.Scenarios;
using Xunit;
using Xunit.Abstractions;

namespace SecureMonitor.Simulation.Tests;

/// <summary>
/// Every scenario, with a few virtual watchers, against a real monitor node over TLS 1.3: the
/// simulator's own verdict must be "as expected" with every check observed, and where the node
/// lets a test look further (its store, its security alerts) the test checks that too. One at a
/// time: they measure a real monitor's reactions in real time on a two-core machine.
/// </summary>
public sealed class ScenarioTests(ITestOutputHelper output)
{
    private static void AssertAsExpected(SimulationReport report, SimulationBed bed)
    {
        Assert.True(report.AsExpected, bed.Output);
        Assert.True(report.NotObserved.Count == 0, bed.Output);
    }

    [Fact]
    public async Task Normal_traffic_is_all_accepted_and_opens_no_incident()
    {
        await using var bed = await SimulationBed.StartAsync(watchers: 4, output);

        var report = await bed.RunAsync("normal", TimeSpan.FromSeconds(10));

        AssertAsExpected(report, bed);
        Assert.Equal(4, report.Of(MessageKind.Alert).Accepted); // two hosts: an alert and its resolution each
        Assert.Empty(report.Incidents!);
    }

    [Fact]
    public async Task A_distributed_syn_flood_opens_exactly_one_incident_naming_every_host()
    {
        await using var bed = await SimulationBed.StartAsync(watchers: 5, output);

        var report = await bed.RunAsync("dos", TimeSpan.FromSeconds(12));

        AssertAsExpected(report, bed);
        var incident = Assert.Single(report.Incidents!);
        Assert.Equal(bed.Identities.Watchers.Select(watcher => watcher.Identity.Name).Order(), incident.Hosts.Order());
        Assert.Contains("network_attack", incident.Kinds);
        Assert.Contains("distributed_alerts", incident.Kinds);
        Assert.Equal("opened", incident.Changes[0]);
    }

    [Fact]
    public async Task An_alert_storm_is_slowed_down_yet_stored_whole_and_opens_a_storm_incident()
    {
        await using var bed = await SimulationBed.StartAsync(watchers: 3, output);

        var report = await bed.RunAsync("storm", TimeSpan.FromSeconds(8));

        AssertAsExpected(report, bed);
        var flooder = report.Tallies[0];
        Assert.Equal(StormScenario.FloodSize(SimulationBed.Quick), flooder.Of(MessageKind.Flood).Accepted);
        // Nothing lost: the node stored every alert it acknowledged from the flooding host (its
        // heartbeats, over the host's rate, may be shed: acknowledged, counted, not stored).
        var acknowledgedAlerts = flooder.Total.Accepted - flooder.Of(MessageKind.Heartbeat).Accepted;
        Assert.Equal(acknowledgedAlerts, bed.Harness.Sink.RecentAlerts(flooder.HostId).Count);
        Assert.True(bed.Harness.RejectionCount(flooder.HostId, Protocol.RejectionReason.RateLimited) > 0);
        Assert.Contains("alert_storm", Assert.Single(report.Incidents!).Kinds);
    }

    [Fact]
    public async Task Tampered_envelopes_are_refused_by_reason_and_raise_a_tampering_alert()
    {
        await using var bed = await SimulationBed.StartAsync(watchers: 3, output);

        var report = await bed.RunAsync("tamper", TimeSpan.FromSeconds(8));

        AssertAsExpected(report, bed);
        var tampered = report.Of(MessageKind.Tampered);
        Assert.Equal(SimulationBed.Quick.TamperThreshold + 2, tampered.Sent);
        Assert.Equal(tampered.Sent, tampered.Rejected.Values.Sum());
        Assert.True(tampered.Rejected.ContainsKey(Protocol.RejectionReason.BadTag) && tampered.Rejected.ContainsKey(Protocol.RejectionReason.BadHmac));
        Assert.Equal(report.Tallies[0].HostId, Assert.Single(bed.Harness.SecurityAlerts.Alerts).HostId);
        // Tampering is an attack signal: one incident, of the tampering alone (none of the refused SYN-flood alerts).
        var incident = Assert.Single(report.Incidents!);
        Assert.Equal([Analysis.Correlation.CorrelationOptions.TamperingMetric], incident.Metrics.Keys);
        Assert.Equal([report.Tallies[0].HostId], incident.Hosts);
    }

    [Fact]
    public async Task Replayed_envelopes_are_acknowledged_as_duplicates_and_never_stored_twice()
    {
        await using var bed = await SimulationBed.StartAsync(watchers: 3, output);

        var report = await bed.RunAsync("replay", TimeSpan.FromSeconds(10));

        AssertAsExpected(report, bed);
        var replayed = report.Of(MessageKind.Replayed);
        Assert.True(replayed.Duplicate >= SimulationBed.Quick.StormAlerts, bed.Output);
        Assert.Equal(replayed.Sent, replayed.Duplicate);
        foreach (var tally in report.Tallies)
        {
            // The node stored each sequence once: exactly what was accepted, none of the replays.
            Assert.Equal(tally.Total.Accepted, bed.Harness.Sink.AcceptedCount(tally.HostId));
        }
        // Replaying past the tamper threshold is tampering, for every host here: one incident, no storm.
        Assert.Equal(report.Tallies.Select(tally => tally.HostId).Order(), bed.Harness.SecurityAlerts.Alerts.Select(alert => alert.HostId).Order());
        var incident = Assert.Single(report.Incidents!);
        Assert.Contains(Analysis.Correlation.CorrelationOptions.TamperingMetric, incident.Metrics.Keys);
        Assert.DoesNotContain("alert_storm", incident.Kinds);
    }

    [Fact]
    public async Task A_flapping_metric_is_held_by_the_watchers_hysteresis_to_one_alert_and_one_resolution()
    {
        await using var bed = await SimulationBed.StartAsync(watchers: 3, output);

        var report = await bed.RunAsync("flapping", TimeSpan.FromSeconds(15));

        AssertAsExpected(report, bed);
        Assert.Contains(report.Checks, check => check.Name == "hysteresis" && check.Outcome == CheckOutcome.Passed);
        Assert.Equal([2, 2, 0], report.Tallies.Select(tally => tally.Of(MessageKind.Alert).Accepted));
        Assert.Empty(report.Incidents!);
    }

    [Fact]
    public async Task Silenced_watchers_go_down_and_open_one_watcher_silenced_incident()
    {
        await using var bed = await SimulationBed.StartAsync(watchers: 4, output);

        var report = await bed.RunAsync("silence", TimeSpan.FromSeconds(8));

        AssertAsExpected(report, bed);
        var incident = Assert.Single(report.Incidents!);
        Assert.Contains(SilenceScenario.SilencedMetric, incident.Metrics.Keys);
        Assert.Equal(3, incident.Hosts.Count); // min-hosts 3 of 4 silenced; the fourth kept heartbeating
        Assert.DoesNotContain(report.Tallies[3].HostId, incident.Hosts);
    }
}
