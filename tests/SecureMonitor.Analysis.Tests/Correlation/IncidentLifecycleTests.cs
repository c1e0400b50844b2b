using SecureMonitor.Analysis.Correlation;
using Xunit;
using static SecureMonitor.Analysis.Tests.Correlation.Alerts;

namespace SecureMonitor.Analysis.Tests.Correlation;

public sealed class IncidentLifecycleTests
{
    private static (DosCorrelator Correlator, Incident Opened) Opened()
    {
        var correlator = new DosCorrelator(Options);
        List<IncidentEvent> events = correlator.Feed(Firing("h1", 0), Firing("h2", 1), Firing("h3", 2));
        return (correlator, Assert.IsType<IncidentOpened>(Assert.Single(events)).Incident);
    }

    [Fact]
    public void A_continuing_episode_stays_one_incident_and_grows_only_when_a_host_or_metric_joins()
    {
        (DosCorrelator correlator, Incident opened) = Opened();

        List<IncidentEvent> sameHosts = correlator.Feed(Firing("h1", 5), Firing("h2", 6), Firing("h3", 7), Firing("h1", 8));
        List<IncidentEvent> newHost = correlator.Feed(Firing("h4", 9));
        List<IncidentEvent> newMetric = correlator.Feed(Firing("h4", 10, metric: "mem.used"));
        List<IncidentEvent> again = correlator.Feed(Firing("h4", 11), Firing("h4", 12, metric: "mem.used"));

        Assert.Empty(sameHosts);
        IncidentGrew hostGrew = Assert.IsType<IncidentGrew>(Assert.Single(newHost));
        Assert.Equal(["h4"], hostGrew.NewHosts);
        Assert.Empty(hostGrew.NewMetrics);
        Assert.Equal(opened.Id, hostGrew.Incident.Id);
        IncidentGrew metricGrew = Assert.IsType<IncidentGrew>(Assert.Single(newMetric));
        Assert.Equal(["mem.used"], metricGrew.NewMetrics);
        Assert.Empty(metricGrew.NewHosts);
        Assert.Equal(At(10), metricGrew.At);
        Assert.Empty(again);

        Incident current = correlator.ActiveIncident!;
        Assert.Equal(opened.Id, current.Id);
        Assert.Equal(11, current.AlertCount);
        Assert.Equal(["h1", "h2", "h3", "h4"], current.Hosts);
    }

    [Fact]
    public void A_new_reason_joining_the_incident_is_growth()
    {
        (DosCorrelator correlator, Incident _) = Opened();

        IncidentGrew grew = Assert.IsType<IncidentGrew>(Assert.Single(correlator.Feed(Firing("h1", 3, metric: "tcp.syn_recv"))));

        Assert.Equal(IncidentReasons.NetworkAttack, grew.NewReasons);
        Assert.Equal(IncidentReasons.DistributedAlerts | IncidentReasons.NetworkAttack, grew.Incident.Reasons);
    }

    [Fact]
    public void A_storm_starting_during_an_incident_sweeps_the_hosts_earlier_alerts_into_it()
    {
        var correlator = new DosCorrelator(Options);
        correlator.Feed(Firing("web1", 0, metric: "tcp.syn_recv"));
        List<IncidentEvent> beforeStorm = correlator.Feed(Enumerable.Range(1, 8).Select(i => Cleared("h9", i)).ToArray());

        IncidentGrew grew = Assert.IsType<IncidentGrew>(Assert.Single(correlator.Feed(Cleared("h9", 9), Cleared("h9", 10))));

        Assert.Empty(beforeStorm);
        Assert.Equal(["h9"], grew.NewHosts);
        Assert.Equal(IncidentReasons.AlertStorm, grew.NewReasons);
        Assert.Equal(10, grew.Incident.Evidence.Single(e => e.HostId == "h9").Count);
    }

    [Fact]
    public void An_incident_resolves_once_after_the_quiet_period_stamped_when_the_quiet_period_completed()
    {
        (DosCorrelator correlator, Incident opened) = Opened();
        correlator.Feed(Firing("h1", 30), Firing("h2", 31), Firing("h3", 32)); // evidence, last at 32

        Assert.Empty(correlator.Tick(At(151.999)));
        List<IncidentEvent> resolved = [.. correlator.Tick(At(200))];
        List<IncidentEvent> later = [.. correlator.Tick(At(300))];

        Incident incident = Assert.IsType<IncidentResolved>(Assert.Single(resolved)).Incident;
        Assert.Equal(opened.Id, incident.Id);
        Assert.Equal(IncidentState.Resolved, incident.State);
        Assert.Equal(At(152), incident.ResolvedAt);
        Assert.Equal(At(152), resolved[0].At);
        Assert.Empty(later);
        Assert.Null(correlator.ActiveIncident);
    }

    [Fact]
    public void Alerts_that_are_not_evidence_do_not_keep_an_incident_open()
    {
        (DosCorrelator correlator, Incident _) = Opened();

        // One host firing now and then is below K once the episode's alerts leave the window.
        List<IncidentEvent> events = correlator.Feed(Firing("h1", 70), Firing("h1", 100), Firing("h1", 122));

        Assert.Equal(At(122), Assert.IsType<IncidentResolved>(Assert.Single(events)).At);
    }

    [Fact]
    public void After_resolution_a_new_episode_opens_a_new_incident_with_a_new_id()
    {
        (DosCorrelator correlator, Incident first) = Opened();

        List<IncidentEvent> events = correlator.Feed(Firing("h7", 500), Firing("h8", 501), Firing("h9", 502));

        Assert.Collection(events,
            e => Assert.Equal(first.Id, Assert.IsType<IncidentResolved>(e).Incident.Id),
            e =>
            {
                Incident second = Assert.IsType<IncidentOpened>(e).Incident;
                Assert.NotEqual(first.Id, second.Id);
                Assert.True(string.CompareOrdinal(first.Id, second.Id) < 0, "ids sort by opening time");
                Assert.Equal(["h7", "h8", "h9"], second.Hosts);
            });
    }

    [Fact]
    public void An_alert_after_the_quiet_period_resolves_the_old_incident_before_opening_a_new_one()
    {
        var correlator = new DosCorrelator(Options);
        correlator.Feed(Firing("web1", 0, metric: "tcp.syn_recv"));

        List<IncidentEvent> events = correlator.Feed(Firing("web1", 120, metric: "tcp.syn_recv"));

        Assert.Collection(events, e => Assert.IsType<IncidentResolved>(e), e => Assert.IsType<IncidentOpened>(e));
    }

    [Fact]
    public void Acknowledging_changes_the_state_and_the_incident_still_grows_and_resolves()
    {
        (DosCorrelator correlator, Incident opened) = Opened();

        IncidentAcknowledged? acknowledged = correlator.Acknowledge(opened.Id, "alice", "looking into it", At(5));
        List<IncidentEvent> grew = correlator.Feed(Firing("h4", 6));
        List<IncidentEvent> resolved = [.. correlator.Tick(At(500))];

        Assert.NotNull(acknowledged);
        Assert.Equal(IncidentState.Acknowledged, acknowledged.Incident.State);
        Assert.Equal(new Acknowledgement("alice", "looking into it", At(5)), acknowledged.Incident.Acknowledgement);
        Assert.Equal(At(5), acknowledged.At);
        Incident afterGrowth = Assert.IsType<IncidentGrew>(Assert.Single(grew)).Incident;
        Assert.Equal(IncidentState.Acknowledged, afterGrowth.State);
        Incident final = Assert.IsType<IncidentResolved>(Assert.Single(resolved)).Incident;
        Assert.Equal(IncidentState.Resolved, final.State);
        Assert.Equal("alice", final.Acknowledgement!.By);
    }

    [Fact]
    public void Acknowledging_an_unknown_already_acknowledged_or_resolved_incident_changes_nothing()
    {
        (DosCorrelator correlator, Incident opened) = Opened();

        Assert.Null(correlator.Acknowledge("INC-nope", "alice", "", At(3)));
        Assert.NotNull(correlator.Acknowledge(opened.Id, "alice", "", At(3)));
        Assert.Null(correlator.Acknowledge(opened.Id, "bob", "", At(4)));
        correlator.Tick(At(1_000));
        Assert.Null(correlator.Acknowledge(opened.Id, "bob", "", At(1_001)));
    }

    [Fact]
    public void An_operator_resolves_the_active_incident_at_once_and_further_evidence_opens_a_new_one()
    {
        (DosCorrelator correlator, Incident opened) = Opened();

        Assert.Null(correlator.Resolve("INC-nope", "alice", "", At(4)));
        IncidentResolved? resolved = correlator.Resolve(opened.Id, "alice", "false alarm: load test", At(5));
        List<IncidentEvent> later = correlator.Feed(Firing("h4", 6));

        Assert.NotNull(resolved);
        Assert.Equal((IncidentState.Resolved, At(5)), (resolved.Incident.State, resolved.Incident.ResolvedAt));
        Assert.Equal(new Acknowledgement("alice", "false alarm: load test", At(5)), resolved.ResolvedBy);
        Assert.Null(correlator.Resolve(opened.Id, "alice", "", At(6)));
        Incident reopened = Assert.IsType<IncidentOpened>(Assert.Single(later)).Incident;
        Assert.NotEqual(opened.Id, reopened.Id);
    }
}
