using SecureMonitor.Simulation.Running;

namespace SecureMonitor.Simulation.Scenarios;

/// <summary>
/// One pattern of watcher behaviour and what the monitor must do about it. A scenario drives the
/// virtual watchers for the run's duration (<see cref="RunAsync"/>), then compares what the monitor
/// actually did with its expectation (<see cref="CheckAsync"/>); checks that need a fact the
/// observer cannot see are reported as not observed.
/// </summary>
public abstract class Scenario
{
    /// <summary>The name on the command line (<c>--scenario dos</c>).</summary>
    public abstract string Name { get; }

    /// <summary>What the virtual watchers do, in one sentence.</summary>
    public abstract string Behaviour { get; }

    /// <summary>What the monitor is expected to do, in one sentence.</summary>
    public abstract string Expectation { get; }

    /// <summary>Why these settings cannot make a meaningful run (too short, too few watchers, ...); empty if they can.</summary>
    public virtual IReadOnlyList<string> Problems(SimulationSettings settings) => [];

    public abstract Task RunAsync(ScenarioContext context, CancellationToken cancellationToken);

    /// <summary>
    /// The checks, after the traffic. Checks of something that must appear (an incident's
    /// notification) may wait for it until <paramref name="deadline"/>; checks of something that must
    /// not appear look once.
    /// </summary>
    public abstract Task<IReadOnlyList<Check>> CheckAsync(ScenarioContext context, DateTimeOffset deadline, CancellationToken cancellationToken);
}
