namespace SecureMonitor.Simulation.Scenarios;

/// <summary>Every scenario by its command-line name. Scenarios keep state for one run: ask for a fresh one each time.</summary>
public static class ScenarioCatalog
{
    private static readonly Dictionary<string, Func<Scenario>> Scenarios = new(StringComparer.Ordinal)
    {
        ["normal"] = () => new NormalScenario(),
        ["dos"] = () => new DosScenario(),
        ["storm"] = () => new StormScenario(),
        ["tamper"] = () => new TamperScenario(),
        ["replay"] = () => new ReplayScenario(),
        ["flapping"] = () => new FlappingScenario(),
        ["silence"] = () => new SilenceScenario(),
    };

    public static IReadOnlyList<string> Names { get; } = [.. Scenarios.Keys];

    public static bool TryCreate(string name, out Scenario scenario)
    {
        if (Scenarios.TryGetValue(name, out var create))
        {
            scenario = create();
            return true;
        }
        scenario = null!;
        return false;
    }

    public static IEnumerable<Scenario> All() => Scenarios.Values.Select(create => create());
}
