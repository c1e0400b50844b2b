using SecureMonitor.Analysis.Correlation;

namespace SecureMonitor.Analysis.Tests.Correlation;

/// <summary>Virtual time and alert builders for correlation tests: second N is <c>T0 + N s</c>.</summary>
internal static class Alerts
{
    public static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>K = 3 hosts, W = 60 s, storm = 10 alerts, quiet = 120 s.</summary>
    public static readonly CorrelationOptions Options = new()
    {
        MinHosts = 3,
        Window = TimeSpan.FromSeconds(60),
        StormAlerts = 10,
        QuietPeriod = TimeSpan.FromSeconds(120),
        MaxEvidencePerIncident = 1_000,
    };

    public static DateTimeOffset At(double seconds) => T0.AddSeconds(seconds);

    public static ObservedAlert Firing(string host, double seconds, string metric = "cpu.total", double value = 95, AlertLevel severity = AlertLevel.Warning) =>
        new(host, metric + "-high", metric, severity, value, Firing: true, At(seconds));

    public static ObservedAlert Cleared(string host, double seconds, string metric = "cpu.total", double value = 40) =>
        new(host, metric + "-high", metric, AlertLevel.Warning, value, Firing: false, At(seconds));

    public static List<IncidentEvent> Feed(this DosCorrelator correlator, params ObservedAlert[] alerts)
    {
        var events = new List<IncidentEvent>();
        foreach (ObservedAlert alert in alerts)
        {
            events.AddRange(correlator.Observe(alert));
        }

        return events;
    }
}
