namespace SecureMonitor.Simulation.Running;

/// <summary>
/// What the monitor under test is configured with, as far as the scenarios' expectations depend on
/// it. The defaults are those of the shipped hocon/monitor.conf; the CLI reads them from the same
/// file (and <c>SM_*</c> environment overrides) the monitor is started with.
/// </summary>
public sealed record MonitorSettings
{
    /// <summary>Distinct hosts with a firing alert within <see cref="Window"/> that open an incident (<c>monitor.correlation.min-hosts</c>).</summary>
    public int MinHosts { get; init; } = 3;

    /// <summary><c>monitor.correlation.window</c>.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Alerts from one host within <see cref="Window"/> that make a storm (<c>monitor.correlation.storm-alerts</c>).</summary>
    public int StormAlerts { get; init; } = 50;

    /// <summary>Silence after which a host is Down and "watcher silenced" (<c>monitor.liveness.down-after</c>).</summary>
    public TimeSpan DownAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Envelopes per second one host may send before it is slowed (<c>monitor.limits.host-alerts-per-second</c>).</summary>
    public int HostMessagesPerSecond { get; init; } = 500;

    /// <summary>Integrity failures within <see cref="TamperWindow"/> that raise "tampering suspected" (<c>monitor.security.tamper-threshold</c>).</summary>
    public int TamperThreshold { get; init; } = 5;

    /// <summary><c>monitor.security.tamper-window</c>.</summary>
    public TimeSpan TamperWindow { get; init; } = TimeSpan.FromSeconds(60);

    public override string ToString() =>
        $"min-hosts {MinHosts}, window {Seconds(Window)}, storm-alerts {StormAlerts}, down-after {Seconds(DownAfter)}, " +
        $"host rate {HostMessagesPerSecond}/s, tamper-threshold {TamperThreshold} in {Seconds(TamperWindow)}";

    internal static string Seconds(TimeSpan span) => $"{span.TotalSeconds:0.##} s";
}
