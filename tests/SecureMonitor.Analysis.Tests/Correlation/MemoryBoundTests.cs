using SecureMonitor.Analysis.Correlation;
using Xunit;
using static SecureMonitor.Analysis.Tests.Correlation.Alerts;

namespace SecureMonitor.Analysis.Tests.Correlation;

public sealed class MemoryBoundTests
{
    [Fact]
    public void A_hundred_thousand_alerts_from_ten_thousand_hosts_keep_bounded_state()
    {
        var options = Options with { MaxEvidencePerIncident = 1_000 };
        var correlator = new DosCorrelator(options);
        var random = new Random(42);
        int peakAlertsInWindow = 0;
        int peakHostsInWindow = 0;

        // 100 alerts per second for 1,000 s: the window (60 s) holds at most 6,000 alerts' worth of hosts.
        for (int i = 0; i < 100_000; i++)
        {
            string host = $"host-{random.Next(10_000):D5}";
            string metric = $"metric.{random.Next(200)}"; // more metrics than a host may track
            correlator.Observe(new ObservedAlert(host, "r", metric, AlertLevel.Warning, random.NextDouble(), random.Next(3) > 0, At(i / 100.0)));
            CorrelatorSnapshot s = correlator.Snapshot();
            peakAlertsInWindow = Math.Max(peakAlertsInWindow, s.AlertsInWindow);
            peakHostsInWindow = Math.Max(peakHostsInWindow, s.HostsInWindow);
        }

        CorrelatorSnapshot end = correlator.Snapshot();
        Incident incident = end.ActiveIncident!;
        Assert.True(peakHostsInWindow <= 10_000);
        Assert.True(peakAlertsInWindow <= 6_001, $"window held {peakAlertsInWindow} alerts"); // 60 s inclusive at 100/s
        Assert.Equal(1_000, incident.Evidence.Count);
        Assert.True(incident.Hosts.Count <= 1_000 && incident.Metrics.Count <= 1_000);
        Assert.True(incident.AlertCount > 60_000, $"only {incident.AlertCount} alerts absorbed");

        // Once the window has passed, nothing of the window is left.
        correlator.Tick(At(1_000 + 61));
        Assert.Equal((0, 0, 0), (correlator.Snapshot().HostsInWindow, correlator.Snapshot().FiringHostsInWindow, correlator.Snapshot().AlertsInWindow));
    }

    [Fact]
    public void A_single_host_flooding_alerts_is_held_to_the_storm_size()
    {
        var correlator = new DosCorrelator(Options);

        for (int i = 0; i < 50_000; i++)
        {
            correlator.Observe(Firing("noisy", i / 1_000.0, metric: $"m{i % 500}"));
        }

        CorrelatorSnapshot snapshot = correlator.Snapshot();
        Assert.Equal(Options.StormAlerts, snapshot.AlertsInWindow);
        Assert.Equal(1, snapshot.HostsInWindow);
        Assert.Equal(50_000, snapshot.ActiveIncident!.AlertCount);
    }
}
