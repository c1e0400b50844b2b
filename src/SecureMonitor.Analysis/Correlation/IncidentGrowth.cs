namespace SecureMonitor.Analysis.Correlation;

/// <summary>What joined an incident during one call: hosts, metrics and reasons it did not have before.</summary>
internal sealed class IncidentGrowth
{
    public List<string> NewHosts { get; } = [];

    public List<string> NewMetrics { get; } = [];

    public IncidentReasons NewReasons { get; set; }

    public bool IsEmpty => NewHosts.Count == 0 && NewMetrics.Count == 0 && NewReasons == IncidentReasons.None;

    public IncidentGrew ToEvent(Incident incident, DateTimeOffset at) =>
        new(incident, NewHosts.ToArray(), NewMetrics.ToArray(), NewReasons, at);
}
