using SecureMonitor.Analysis.Correlation;
using Xunit;
using static SecureMonitor.Analysis.Tests.Correlation.Alerts;

namespace SecureMonitor.Analysis.Tests.Correlation;

public sealed class IncidentOpeningTests
{
    [Fact]
    public void Fewer_than_k_hosts_within_the_window_open_no_incident()
    {
        var correlator = new DosCorrelator(Options);

        List<IncidentEvent> events = correlator.Feed(Firing("h1", 0), Firing("h2", 10), Firing("h1", 20), Firing("h2", 30));

        Assert.Empty(events);
        Assert.Null(correlator.ActiveIncident);
    }

    [Fact]
    public void K_hosts_within_the_window_open_exactly_one_incident_carrying_all_of_them()
    {
        var correlator = new DosCorrelator(Options);

        List<IncidentEvent> events = correlator.Feed(Firing("h1", 0), Firing("h2", 10), Firing("h3", 20, value: 99));

        IncidentOpened opened = Assert.IsType<IncidentOpened>(Assert.Single(events));
        Incident incident = opened.Incident;
        Assert.Equal(IncidentReasons.DistributedAlerts, incident.Reasons);
        Assert.Equal(IncidentState.Open, incident.State);
        Assert.Equal(At(20), incident.OpenedAt);
        Assert.Equal(At(20), opened.At);
        Assert.Equal(["h1", "h2", "h3"], incident.Hosts);
        Assert.Equal(["cpu.total"], incident.Metrics);
        Assert.Equal(3, incident.AlertCount);
        Assert.Equal(["h1", "h2", "h3"], incident.Evidence.Select(e => e.HostId));
        Assert.Equal(At(0), incident.Evidence[0].FirstSeen);
    }

    [Fact]
    public void An_alert_exactly_a_window_old_still_counts()
    {
        var correlator = new DosCorrelator(Options);

        List<IncidentEvent> events = correlator.Feed(Firing("h1", 0), Firing("h2", 30), Firing("h3", 60));

        Assert.IsType<IncidentOpened>(Assert.Single(events));
    }

    [Fact]
    public void Alerts_spread_over_more_than_the_window_open_no_incident()
    {
        var correlator = new DosCorrelator(Options);

        List<IncidentEvent> events = correlator.Feed(
            Firing("h1", 0), Firing("h2", 40), Firing("h3", 80.001), Firing("h4", 130), Firing("h5", 180));

        Assert.Empty(events);
        Assert.Equal(2, correlator.Snapshot().FiringHostsInWindow);
    }

    [Fact]
    public void Resolved_alerts_do_not_count_toward_the_distinct_firing_hosts()
    {
        var correlator = new DosCorrelator(Options);

        List<IncidentEvent> events = correlator.Feed(Firing("h1", 0), Firing("h2", 1), Cleared("h3", 2), Cleared("h4", 3));

        Assert.Empty(events);
        Assert.IsType<IncidentOpened>(Assert.Single(correlator.Feed(Firing("h3", 4))));
    }

    [Fact]
    public void One_hosts_alert_storm_opens_an_alert_storm_incident_with_its_alerts_as_evidence()
    {
        var correlator = new DosCorrelator(Options);

        List<IncidentEvent> quiet = correlator.Feed(Enumerable.Range(0, 9).Select(i => Firing("h1", i * 5)).ToArray());
        List<IncidentEvent> tenth = correlator.Feed(Firing("h1", 45));

        Assert.Empty(quiet);
        Incident incident = Assert.IsType<IncidentOpened>(Assert.Single(tenth)).Incident;
        Assert.Equal(IncidentReasons.AlertStorm, incident.Reasons);
        Assert.Equal(["h1"], incident.Hosts);
        Assert.Equal(10, incident.AlertCount);
        Assert.Equal(10, Assert.Single(incident.Evidence).Count);
    }

    [Fact]
    public void A_storm_counts_resolved_alerts_too()
    {
        var correlator = new DosCorrelator(Options);

        List<IncidentEvent> events = correlator.Feed(
            Enumerable.Range(0, 10).Select(i => i % 2 == 0 ? Firing("flappy", i) : Cleared("flappy", i)).ToArray());

        Assert.Equal(IncidentReasons.AlertStorm, Assert.IsType<IncidentOpened>(Assert.Single(events)).Incident.Reasons);
    }

    [Fact]
    public void Alerts_from_one_host_spread_over_more_than_the_window_are_no_storm()
    {
        var correlator = new DosCorrelator(Options);

        List<IncidentEvent> events = correlator.Feed(Enumerable.Range(0, 30).Select(i => Firing("h1", i * 7)).ToArray());

        Assert.Empty(events);
    }

    [Fact]
    public void A_single_hosts_syn_recv_alert_opens_a_network_attack_incident()
    {
        var correlator = new DosCorrelator(Options);

        List<IncidentEvent> events = correlator.Feed(Firing("web1", 0, metric: "tcp.syn_recv", value: 4096, severity: AlertLevel.Critical));

        Incident incident = Assert.IsType<IncidentOpened>(Assert.Single(events)).Incident;
        Assert.Equal(IncidentReasons.NetworkAttack, incident.Reasons);
        Assert.Equal(new Evidence("web1", "tcp.syn_recv", 4096, 4096, AlertLevel.Critical, At(0), At(0), 1), Assert.Single(incident.Evidence));
    }

    [Theory]
    [InlineData("tcp.listen_overflows")]
    [InlineData("tcp.syncookies_sent")]
    [InlineData("tcp.listen_drops")]
    public void Every_default_attack_metric_opens_an_incident_from_one_host(string metric)
    {
        var correlator = new DosCorrelator(Options);

        Assert.IsType<IncidentOpened>(Assert.Single(correlator.Feed(Firing("web1", 0, metric: metric))));
    }

    [Fact]
    public void A_resolved_attack_metric_alert_opens_nothing()
    {
        var correlator = new DosCorrelator(Options);

        Assert.Empty(correlator.Feed(Cleared("web1", 0, metric: "tcp.syn_recv")));
    }

    [Fact]
    public void An_alert_older_than_the_window_at_the_clock_is_late_and_ignored()
    {
        var correlator = new DosCorrelator(Options);
        correlator.Feed(Firing("h1", 100), Firing("h2", 100));

        List<IncidentEvent> events = correlator.Feed(Firing("h3", 39));

        Assert.Empty(events);
        Assert.Equal(1, correlator.Snapshot().LateAlerts);
        Assert.IsType<IncidentOpened>(Assert.Single(correlator.Feed(Firing("h3", 40))));
    }

    [Fact]
    public void Invalid_options_are_refused_with_every_problem_named()
    {
        var options = new CorrelationOptions { MinHosts = 0, StormAlerts = 1, Window = TimeSpan.FromMinutes(10), QuietPeriod = TimeSpan.FromMinutes(1) };

        var error = Assert.Throws<ArgumentException>(() => new DosCorrelator(options));

        Assert.Contains("min hosts", error.Message);
        Assert.Contains("storm alerts", error.Message);
        Assert.Contains("quiet period", error.Message);
    }
}
