using SecureMonitor.Analysis.Thresholds;
using SecureMonitor.Protocol.Wire;
using ThresholdRule = SecureMonitor.Analysis.Thresholds.ThresholdRule;
using Severity = SecureMonitor.Protocol.Wire.Severity;

namespace SecureMonitor.Simulation.Scenarios;

/// <summary>
/// How virtual watchers look and decide: the metrics a quiet host reports, and the threshold rules
/// they evaluate. The rules are the shipped ones (hocon/watcher.conf) with sustain times and
/// cooldowns short enough for runs of a minute, plus a listen-overflow rule for the SYN-flood signal.
/// </summary>
public static class WatcherBehaviour
{
    public const string Cpu = "cpu.total";
    public const string Memory = "memory.used";
    public const string Load = "load.1";
    public const string SynRecv = "tcp.syn_recv";
    public const string ListenOverflows = "tcp.listen_overflows";

    public static readonly ThresholdRule CpuHigh = new()
    {
        Id = "cpu-high", Metric = Cpu, Warn = 85, Critical = 95, For = TimeSpan.FromSeconds(2), Hysteresis = 5, Cooldown = TimeSpan.FromSeconds(30),
    };

    public static readonly ThresholdRule SynBacklog = new()
    {
        Id = "syn-backlog", Metric = SynRecv, Warn = 256, Critical = 1024, For = TimeSpan.FromSeconds(2), Hysteresis = 32, Cooldown = TimeSpan.FromSeconds(30),
    };

    public static readonly ThresholdRule ListenOverflow = new()
    {
        Id = "listen-overflows", Metric = ListenOverflows, Warn = 10, Critical = 100, For = TimeSpan.Zero, Hysteresis = 5, Cooldown = TimeSpan.FromSeconds(30),
    };

    public static IReadOnlyList<ThresholdRule> Rules { get; } = [CpuHigh, SynBacklog, ListenOverflow];

    /// <summary>
    /// A quiet host: CPU and memory wandering well below their levels, a light load, a handful of
    /// half-open connections and no listen-queue overflows. Deterministic for a host (its
    /// <paramref name="seed"/>) and an offset, so heartbeats and rules see one consistent host.
    /// </summary>
    public static Dictionary<string, double> Quiet(int seed, TimeSpan at)
    {
        var t = at.TotalSeconds;
        var phase = seed % 997;
        return new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [Cpu] = Math.Round(25 + 12 * Math.Sin((t + phase) / 7.0) + 3 * Math.Sin((t + phase) * 1.3), 1),
            [Memory] = Math.Round(45 + 8 * Math.Sin((t + 3 * phase) / 23.0), 1),
            [Load] = Math.Round(0.6 + 0.4 * Math.Sin((t + phase) / 11.0), 2),
            [SynRecv] = Math.Abs((int)(phase + t)) % 5,
            [ListenOverflows] = 0,
        };
    }

    /// <summary><see cref="Quiet"/> with some metrics replaced.</summary>
    public static IReadOnlyDictionary<string, double> With(Dictionary<string, double> values, params (string Metric, double Value)[] changes)
    {
        foreach (var (metric, value) in changes)
        {
            values[metric] = value;
        }
        return values;
    }

    /// <summary>An alert as a watcher's rule would raise it, for the scenarios that make alerts up (storms, tampering).</summary>
    public static Alert MadeUpAlert(string ruleId, string metric, Severity severity, double value, double threshold, DateTimeOffset at) => new()
    {
        RuleId = ruleId,
        Metric = metric,
        Severity = severity,
        State = AlertState.Firing,
        Value = value,
        Threshold = threshold,
        RaisedUnixMs = at.ToUnixTimeMilliseconds(),
        Summary = $"{metric} = {value:0.##} breached {severity.ToString().ToLowerInvariant()} level {threshold:0.##}",
    };
}
