namespace SecureMonitor.Simulation.Scenarios;

public enum CheckOutcome
{
    Passed,
    Failed,

    /// <summary>The observer has no way to see what the check needs: neither passed nor failed.</summary>
    NotObserved,
}

/// <summary>One expectation of a scenario, what was expected and what was actually seen.</summary>
public sealed record Check(string Name, CheckOutcome Outcome, string Expected, string Observed)
{
    public static Check Of(string name, bool passed, string expected, string observed) =>
        new(name, passed ? CheckOutcome.Passed : CheckOutcome.Failed, expected, observed);

    public static Check NotObserved(string name, string expected, string why) => new(name, CheckOutcome.NotObserved, expected, $"not observable: {why}");
}
