using SecureMonitor.Analysis.Correlation;
using Xunit;
using static SecureMonitor.Analysis.Tests.Correlation.Alerts;

namespace SecureMonitor.Analysis.Tests.Correlation;

/// <summary>
/// Random alert streams (seeded, so a failure names its seed and replays), checked against the incident
/// lifecycle administrators see, whatever the input.
/// </summary>
public sealed class CorrelationPropertyTests
{
    private const int Runs = 200;
    private const int StepsPerRun = 500;

    [Fact]
    public void Random_alert_streams_keep_the_incident_lifecycle_invariants()
    {
        var kinds = new HashSet<Type>();
        var allIds = new HashSet<string>(StringComparer.Ordinal);
        for (int seed = 0; seed < Runs; seed++)
        {
            try
            {
                foreach (IncidentEvent e in RunOne(seed))
                {
                    kinds.Add(e.GetType());
                    if (e is IncidentOpened opened)
                    {
                        Assert.True(allIds.Add(seed + "/" + opened.Incident.Id), $"id {opened.Incident.Id} opened twice");
                    }
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                throw new Xunit.Sdk.XunitException($"seed {seed}: {ex.Message}");
            }
        }

        Assert.Equal(
            new HashSet<Type> { typeof(IncidentOpened), typeof(IncidentGrew), typeof(IncidentAcknowledged), typeof(IncidentResolved) },
            kinds);
        Assert.True(allIds.Count > Runs * 2, $"only {allIds.Count} incidents in {Runs} runs");
    }

    private static List<IncidentEvent> RunOne(int seed)
    {
        var random = new Random(seed);
        var options = new CorrelationOptions
        {
            MinHosts = random.Next(1, 5),
            Window = TimeSpan.FromSeconds(random.Next(5, 60)),
            StormAlerts = random.Next(2, 15),
            QuietPeriod = TimeSpan.FromSeconds(random.Next(60, 200)),
            MaxEvidencePerIncident = random.Next(1, 20),
        };
        var correlator = new DosCorrelator(options);
        var all = new List<IncidentEvent>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        Incident? active = null;
        DateTimeOffset lastEventAt = DateTimeOffset.MinValue;
        double seconds = 0;
        string[] metrics = ["cpu.total", "mem.used", "disk.free", "tcp.syn_recv"];

        for (int step = 0; step < StepsPerRun; step++)
        {
            seconds += random.Next(100) switch
            {
                < 60 => random.NextDouble(),
                < 90 => random.NextDouble() * 10,
                < 97 => random.Next(50, 300), // a quiet spell
                _ => -random.NextDouble() * 30, // a late alert
            };

            IReadOnlyList<IncidentEvent> events;
            int action = random.Next(100);
            if (action < 5)
            {
                events = correlator.Tick(At(seconds));
            }
            else if (action < 8 && active is not null)
            {
                DateTimeOffset clock = correlator.Snapshot().Clock!.Value;
                IncidentAcknowledged? ack = correlator.Acknowledge(active.Id, "op", "note", clock);
                Assert.Equal(active.State == IncidentState.Open, ack is not null);
                events = ack is null ? [] : [ack];
            }
            else
            {
                // Metric attack signals are rare, so distributed alerts and storms get their turn.
                string metric = metrics[random.Next(100) < 3 ? 3 : random.Next(3)];
                events = correlator.Observe(new ObservedAlert(
                    $"h{random.Next(8)}", "r", metric, random.Next(2) == 0 ? AlertLevel.Warning : AlertLevel.Critical,
                    random.NextDouble() * 100, random.Next(4) > 0, At(seconds)));
            }

            foreach (IncidentEvent e in events)
            {
                Assert.True(e.At >= lastEventAt, $"event at {e.At} after one at {lastEventAt}");
                lastEventAt = e.At;
                Incident incident = e.Incident;
                switch (e)
                {
                    case IncidentOpened:
                        Assert.True(active is null, "an incident opened while another was active");
                        Assert.True(ids.Add(incident.Id), $"id {incident.Id} reused");
                        Assert.Equal(IncidentState.Open, incident.State);
                        active = incident;
                        break;
                    case IncidentResolved:
                        Assert.Equal(active?.Id, incident.Id);
                        Assert.Equal(IncidentState.Resolved, incident.State);
                        Assert.True(incident.ResolvedAt >= incident.OpenedAt);
                        active = null;
                        break;
                    default:
                        Assert.Equal(active?.Id, incident.Id);
                        active = incident;
                        break;
                }

                Assert.NotEqual(IncidentReasons.None, incident.Reasons);
                Assert.True(incident.Evidence.Count <= options.MaxEvidencePerIncident);
                Assert.Equal(incident.Evidence.Select(x => x.HostId).ToHashSet(), incident.Hosts.ToHashSet());
                Assert.Equal(incident.Evidence.Select(x => x.Metric).ToHashSet(), incident.Metrics.ToHashSet());
                Assert.Equal(incident.AlertCount, incident.Evidence.Sum(x => x.Count) + incident.UnrecordedAlerts);
                Assert.True(incident.LastEvidenceAt >= incident.OpenedAt);
                all.Add(e);
            }

            Assert.Equal(active?.Id, correlator.ActiveIncident?.Id);
        }

        return all;
    }
}
