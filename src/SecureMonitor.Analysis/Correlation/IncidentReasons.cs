namespace SecureMonitor.Analysis.Correlation;

/// <summary>Why an incident exists; an incident can have several reasons, gathered as evidence arrives.</summary>
[Flags]
public enum IncidentReasons
{
    None = 0,

    /// <summary>At least <see cref="CorrelationOptions.MinHosts"/> distinct hosts had a firing alert within the window.</summary>
    DistributedAlerts = 1,

    /// <summary>One host sent at least <see cref="CorrelationOptions.StormAlerts"/> alerts within the window.</summary>
    AlertStorm = 2,

    /// <summary>A firing alert on a network attack metric (<see cref="CorrelationOptions.AttackMetrics"/>).</summary>
    NetworkAttack = 4,
}
