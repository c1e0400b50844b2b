namespace SecureMonitor.Analysis.Thresholds;

/// <summary>
/// How bad a breach is. Ordered: a larger value is more severe, so escalation is "greater than".
/// Starts at 1 so that <c>default(Severity)</c> is not silently a real severity.
/// Maps to the wire's <c>WARNING</c> / <c>CRITICAL</c> at the transport boundary, not here.
/// </summary>
public enum Severity
{
    Warning = 1,
    Critical = 2,
}

/// <summary>Which side of a level counts as a breach.</summary>
public enum ThresholdDirection
{
    /// <summary>Breach when value &gt;= level (CPU, memory used, SYN backlog).</summary>
    Above = 1,

    /// <summary>Breach when value &lt;= level (free disk, free memory).</summary>
    Below = 2,
}

/// <summary>Why an alert was resolved.</summary>
public enum ResolveReason
{
    /// <summary>The value came back past the lowest firing level by the hysteresis.</summary>
    Cleared = 1,

    /// <summary>The rule was replaced and the alert no longer holds under the new rule.</summary>
    RuleReplaced = 2,
}
