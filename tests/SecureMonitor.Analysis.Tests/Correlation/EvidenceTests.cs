using SecureMonitor.Analysis.Correlation;
using Xunit;
using static SecureMonitor.Analysis.Tests.Correlation.Alerts;

namespace SecureMonitor.Analysis.Tests.Correlation;

public sealed class EvidenceTests
{
    [Fact]
    public void Evidence_is_aggregated_per_host_and_metric_with_first_and_last_seen_and_max_value()
    {
        var correlator = new DosCorrelator(Options);

        correlator.Feed(
            Firing("h1", 0, value: 91),
            Firing("h2", 1, value: 92),
            Firing("h3", 2, value: 93),
            Firing("h1", 3, value: 99, severity: AlertLevel.Critical),
            Firing("h1", 4, value: 95),
            Firing("h1", 5, metric: "mem.used", value: 70));

        Incident incident = correlator.ActiveIncident!;
        Assert.Equal(4, incident.Evidence.Count);
        Assert.Equal(
            new Evidence("h1", "cpu.total", Value: 95, MaxValue: 99, AlertLevel.Critical, FirstSeen: At(0), LastSeen: At(4), Count: 3),
            incident.Evidence.Single(e => e.Key == new EvidenceKey("h1", "cpu.total")));
        Assert.Equal(1, incident.Evidence.Single(e => e.Key == new EvidenceKey("h1", "mem.used")).Count);
        Assert.Equal(6, incident.AlertCount);
        Assert.Equal(At(5), incident.LastEvidenceAt);
    }

    [Fact]
    public void A_late_older_alert_widens_first_seen_but_does_not_overwrite_the_latest_value()
    {
        var correlator = new DosCorrelator(Options);
        correlator.Feed(Firing("h1", 10, value: 91), Firing("h2", 11), Firing("h3", 12));

        correlator.Feed(Firing("h1", 5, value: 97));

        Evidence h1 = correlator.ActiveIncident!.Evidence.Single(e => e.HostId == "h1");
        Assert.Equal((At(5), At(10), 91d, 97d, 2L), (h1.FirstSeen, h1.LastSeen, h1.Value, h1.MaxValue, h1.Count));
    }

    [Fact]
    public void Evidence_beyond_the_cap_is_counted_but_not_kept()
    {
        var correlator = new DosCorrelator(Options with { MaxEvidencePerIncident = 5 });

        List<IncidentEvent> events = correlator.Feed(Enumerable.Range(0, 20).Select(i => Firing($"h{i:D2}", i)).ToArray());

        Incident incident = correlator.ActiveIncident!;
        Assert.Equal(5, incident.Evidence.Count);
        Assert.Equal(5, incident.Hosts.Count);
        Assert.Equal(20, incident.AlertCount);
        Assert.Equal(15, incident.UnrecordedAlerts);
        Assert.Equal(3, events.Count); // opened with 3 hosts, then h03 and h04 grew it; nothing after the cap
    }

    [Fact]
    public void An_alert_swept_from_the_window_is_never_counted_twice()
    {
        var correlator = new DosCorrelator(Options);

        // h1 storms (sweep of its alerts), then K hosts fire (sweep of the latest firing alerts, h1's included).
        correlator.Feed(Enumerable.Range(0, 10).Select(i => Firing("h1", i)).ToArray());
        correlator.Feed(Firing("h2", 11), Firing("h3", 12));

        Incident incident = correlator.ActiveIncident!;
        Assert.Equal(12, incident.AlertCount);
        Assert.Equal(10, incident.Evidence.Single(e => e.HostId == "h1").Count);
        Assert.Equal(IncidentReasons.AlertStorm | IncidentReasons.DistributedAlerts, incident.Reasons);
    }
}
