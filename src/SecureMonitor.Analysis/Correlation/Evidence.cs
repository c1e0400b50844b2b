namespace SecureMonitor.Analysis.Correlation;

/// <summary>Identifies one evidence item: alerts are aggregated per host and metric.</summary>
public readonly record struct EvidenceKey(string HostId, string Metric) : IComparable<EvidenceKey>
{
    public int CompareTo(EvidenceKey other)
    {
        int byHost = string.CompareOrdinal(HostId, other.HostId);
        return byHost != 0 ? byHost : string.CompareOrdinal(Metric, other.Metric);
    }
}

/// <summary>
/// What one host reported on one metric during an incident: <paramref name="Value"/> is the value of the
/// latest alert (by timestamp), <paramref name="MaxValue"/> the largest seen, <paramref name="Severity"/> the
/// highest seen, <paramref name="Count"/> how many alerts were absorbed into this item.
/// </summary>
public sealed record Evidence(
    string HostId,
    string Metric,
    double Value,
    double MaxValue,
    AlertLevel Severity,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    long Count)
{
    public EvidenceKey Key => new(HostId, Metric);

    internal static Evidence From(ObservedAlert alert) =>
        new(alert.HostId, alert.Metric, alert.Value, alert.Value, alert.Severity, alert.At, alert.At, 1);

    internal Evidence With(ObservedAlert alert) => this with
    {
        // "Latest" is by timestamp, so a late-arriving older alert does not overwrite a newer value.
        Value = alert.At >= LastSeen ? alert.Value : Value,
        MaxValue = Math.Max(MaxValue, alert.Value),
        Severity = alert.Severity > Severity ? alert.Severity : Severity,
        FirstSeen = alert.At < FirstSeen ? alert.At : FirstSeen,
        LastSeen = alert.At > LastSeen ? alert.At : LastSeen,
        Count = Count + 1,
    };
}
