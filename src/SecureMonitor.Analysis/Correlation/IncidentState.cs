namespace SecureMonitor.Analysis.Correlation;

/// <summary>Where an incident is in its lifecycle. Acknowledged incidents still collect evidence and resolve on their own.</summary>
public enum IncidentState
{
    Open = 1,
    Acknowledged = 2,
    Resolved = 3,
}
