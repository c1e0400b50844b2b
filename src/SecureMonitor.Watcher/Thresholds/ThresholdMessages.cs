using SecureMonitor.Analysis.Thresholds;

namespace SecureMonitor.Watcher.Thresholds;

/// <summary>Replace the whole rule set (from configuration at start, or pushed by the monitor).</summary>
public sealed record ApplyRuleSet(ThresholdRuleSet RuleSet);

/// <summary>Tells a threshold actor to evaluate under a new version of its rule.</summary>
internal sealed record ReplaceRule(ThresholdRule Rule);

/// <summary>Tells a threshold actor its rule was removed: resolve what is open, then stop.</summary>
internal sealed record RetireRule
{
    public static readonly RetireRule Instance = new();
}

/// <summary>Asks for the current state of every rule (for status and tests).</summary>
public sealed record GetThresholdStates
{
    public static readonly GetThresholdStates Instance = new();
}

public sealed record ThresholdStates(long Revision, IReadOnlyList<ThresholdSnapshot> Rules);
