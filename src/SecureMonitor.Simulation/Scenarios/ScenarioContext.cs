using SecureMonitor.Simulation.Fleet;
using SecureMonitor.Simulation.Observation;
using SecureMonitor.Simulation.Running;

namespace SecureMonitor.Simulation.Scenarios;

/// <summary>
/// What a scenario works with: the connected virtual watchers, the run's settings and the monitor's,
/// the observer, a clock and a seeded random source. Times in a scenario are offsets from
/// <see cref="StartedAt"/>, the moment the traffic began.
/// </summary>
public sealed class ScenarioContext
{
    private readonly Lock _gate = new();
    private readonly List<string> _notes = [];

    public ScenarioContext(IReadOnlyList<VirtualWatcher> watchers, SimulationSettings settings, IMonitorObserver observer, TimeProvider time)
    {
        Watchers = watchers;
        Settings = settings;
        Observer = observer;
        Time = time;
        Random = new Random(settings.Seed);
        Hosts = watchers.Select(watcher => watcher.HostId).ToHashSet(StringComparer.Ordinal);
        StartedAt = time.GetUtcNow();
    }

    public IReadOnlyList<VirtualWatcher> Watchers { get; }

    /// <summary>The virtual watchers' host ids.</summary>
    public IReadOnlySet<string> Hosts { get; }

    public SimulationSettings Settings { get; }

    public MonitorSettings Monitor => Settings.MonitorSettings;

    public IMonitorObserver Observer { get; }

    public TimeProvider Time { get; }

    /// <summary>Seeded with <see cref="SimulationSettings.Seed"/>; use from the scenario's own task only.</summary>
    public Random Random { get; }

    public DateTimeOffset StartedAt { get; private set; }

    public TimeSpan Duration => Settings.Duration;

    public TimeSpan Elapsed => Time.GetUtcNow() - StartedAt;

    /// <summary>Facts about the traffic worth a line in the report ("flapping: 14 level crossings ...").</summary>
    public IReadOnlyList<string> Notes
    {
        get { lock (_gate) { return [.. _notes]; } }
    }

    public void Note(string note)
    {
        lock (_gate)
        {
            _notes.Add(note);
        }
    }

    /// <summary>The traffic starts now (after connecting); scenario offsets count from here.</summary>
    internal void Start() => StartedAt = Time.GetUtcNow();

    /// <summary>The offset <paramref name="fraction"/> of the way through the run.</summary>
    public TimeSpan At(double fraction) => Duration * fraction;

    /// <summary>Waits until <paramref name="offset"/> after the start (at once if it has passed).</summary>
    public async Task DelayUntilAsync(TimeSpan offset, CancellationToken cancellationToken)
    {
        var wait = offset - Elapsed;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, Time, cancellationToken);
        }
    }

    /// <summary>
    /// A watcher's ordinary life from now until <paramref name="until"/>: every sample interval it
    /// samples <paramref name="metrics"/> (given the offset from the start) and evaluates its rules,
    /// and every heartbeat interval it sends a heartbeat. Watchers start at a random point of their
    /// first interval, as real agents do, so the fleet does not beat in step.
    /// </summary>
    public async Task LiveAsync(VirtualWatcher watcher, Func<TimeSpan, IReadOnlyDictionary<string, double>> metrics, TimeSpan until,
        CancellationToken cancellationToken)
    {
        double jitter;
        lock (_gate)
        {
            jitter = Random.NextDouble();
        }
        var sample = Settings.SampleInterval;
        var heartbeat = Settings.HeartbeatInterval;
        var nextHeartbeat = Elapsed + heartbeat * jitter;
        await Task.Delay(sample * jitter, Time, cancellationToken);
        using var ticks = new PeriodicTimer(sample, Time);
        while (Elapsed < until)
        {
            var now = Elapsed;
            await watcher.SampleAsync(metrics(now), cancellationToken);
            if (now >= nextHeartbeat)
            {
                await watcher.SendHeartbeatAsync(cancellationToken);
                nextHeartbeat += heartbeat;
            }
            if (!await ticks.WaitForNextTickAsync(cancellationToken))
            {
                return;
            }
        }
    }

    /// <summary>
    /// Every watcher lives (<see cref="LiveAsync"/>) until the end with the shipped rules;
    /// <paramref name="metrics"/> gives a host's samples by its index and the offset, quiet ones by default.
    /// </summary>
    public Task EveryoneLivesAsync(CancellationToken cancellationToken, Func<int, TimeSpan, IReadOnlyDictionary<string, double>>? metrics = null) =>
        Task.WhenAll(Watchers.Select((watcher, index) =>
        {
            watcher.UseRules(WatcherBehaviour.Rules);
            return LiveAsync(watcher, at => metrics?.Invoke(index, at) ?? Quiet(index, at), Duration, cancellationToken);
        }));

    /// <summary>The quiet samples of the watcher at <paramref name="index"/> (see <see cref="WatcherBehaviour.Quiet"/>).</summary>
    public Dictionary<string, double> Quiet(int index, TimeSpan at) => WatcherBehaviour.Quiet(Settings.Seed + index, at);

    /// <summary>A double from the shared random source, safe from any task.</summary>
    public double NextDouble()
    {
        lock (_gate)
        {
            return Random.NextDouble();
        }
    }

    /// <summary>Incidents the monitor reported that involve at least one of this run's hosts.</summary>
    public async Task<Observation<IReadOnlyList<IncidentSighting>>> OurIncidentsAsync(CancellationToken cancellationToken)
    {
        var incidents = await Observer.IncidentsAsync(cancellationToken);
        return incidents.Observed
            ? Observation<IReadOnlyList<IncidentSighting>>.Of([.. incidents.Value!.Where(incident => incident.Hosts.Overlaps(Hosts))])
            : incidents;
    }

    /// <summary>
    /// Asks <paramref name="observe"/> until <paramref name="satisfied"/> holds or <paramref name="deadline"/>
    /// passes, and returns the last observation (unobservable at once if it cannot be observed).
    /// </summary>
    public async Task<Observation<T>> ObserveUntilAsync<T>(Func<CancellationToken, Task<Observation<T>>> observe, Func<T, bool> satisfied,
        DateTimeOffset deadline, CancellationToken cancellationToken)
        where T : class
    {
        while (true)
        {
            var observation = await observe(cancellationToken);
            if (!observation.Observed || satisfied(observation.Value!) || Time.GetUtcNow() >= deadline)
            {
                return observation;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), Time, cancellationToken);
        }
    }
}
