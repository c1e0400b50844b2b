using SecureMonitor.Pki;
using SecureMonitor.Transport;

namespace SecureMonitor.Simulation.Running;

/// <summary>One simulation run: against which monitor, with how many virtual watchers, for how long.</summary>
public sealed record SimulationSettings
{
    public required MonitorEndpoint Monitor { get; init; }

    /// <summary>The PKI directory whose CA issues the virtual identities (it must hold the CA key).</summary>
    public required string PkiDirectory { get; init; }

    public int Watchers { get; init; } = 10;

    /// <summary>How long the scenario's traffic lasts; checks follow.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Every virtual watcher sends a heartbeat this often.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Every virtual watcher samples (and evaluates its threshold rules) this often.</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A progress line this often.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long to let a running monitor notice the identities just issued: its key ring re-reads
    /// keyring.json at most every <see cref="FileKeyring.DefaultReloadCheckInterval"/>. Zero when the
    /// monitor started after they were issued.
    /// </summary>
    public TimeSpan KeyRingSettle { get; init; } = FileKeyring.DefaultReloadCheckInterval + TimeSpan.FromSeconds(1);

    /// <summary>Bound of each connection attempt and admin request.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>After the traffic, how long checks may wait for what the monitor should still report (an incident's notification).</summary>
    public TimeSpan ObservationGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Seeds every random choice of the run, so a run can be repeated.</summary>
    public int Seed { get; init; } = Random.Shared.Next();

    public MonitorSettings MonitorSettings { get; init; } = new();
}
