using System.Collections.Immutable;

namespace SecureMonitor.Analysis.Correlation;

/// <summary>
/// When alerts add up to a DoS incident. An alert is <i>evidence</i> when, at its arrival, one of these holds:
/// <list type="bullet">
/// <item>it is firing and, counting it, at least <see cref="MinHosts"/> distinct hosts had a firing alert within
/// <see cref="Window"/> (<see cref="IncidentReasons.DistributedAlerts"/>);</item>
/// <item>its host sent at least <see cref="StormAlerts"/> alerts, firing or not, within <see cref="Window"/>
/// (<see cref="IncidentReasons.AlertStorm"/>);</item>
/// <item>it is firing on one of <see cref="AttackMetrics"/> (<see cref="IncidentReasons.NetworkAttack"/>).</item>
/// </list>
/// Evidence opens an incident, or joins the open one. An incident resolves after <see cref="QuietPeriod"/>
/// without evidence.
/// </summary>
public sealed record CorrelationOptions
{
    /// <summary>The metric of the alert the monitor raises itself when one host's (or peer's) messages keep
    /// failing integrity checks or replay: someone is forging or replaying traffic.</summary>
    public const string TamperingMetric = "security.tampering";

    /// <summary>Network attack signals from the watcher's TCP sampler (a SYN flood is DoS by definition; failed
    /// attempts and resets sent are how a flood shows when its SYN-ACKs are answered with resets, no cookies),
    /// and the monitor's own tampering alert.</summary>
    public static readonly ImmutableHashSet<string> DefaultAttackMetrics = ImmutableHashSet.Create(
        StringComparer.Ordinal, "tcp.syn_recv", "tcp.listen_overflows", "tcp.syncookies_sent", "tcp.listen_drops",
        "tcp.attempt_fails", "tcp.out_rsts", TamperingMetric);

    /// <summary>K: distinct hosts with a firing alert within <see cref="Window"/> that make a distributed episode.</summary>
    public int MinHosts { get; init; } = 3;

    /// <summary>W: how far back alerts count, measured on alert timestamps; an alert exactly W old still counts.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>N: alerts (any state) from one host within <see cref="Window"/> that make an alert storm.</summary>
    public int StormAlerts { get; init; } = 20;

    /// <summary>Metrics on which one firing alert from one host is an attack. Compared ordinally.</summary>
    public ImmutableHashSet<string> AttackMetrics { get; init; } = DefaultAttackMetrics;

    /// <summary>
    /// An incident without new evidence for this long resolves. At least <see cref="Window"/>, so an incident never
    /// resolves while the alerts that made it still count.
    /// </summary>
    public TimeSpan QuietPeriod { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Most host+metric evidence items one incident keeps; alerts beyond are still counted.</summary>
    public int MaxEvidencePerIncident { get; init; } = 1_000;

    /// <summary>Every problem with the options, in plain words; empty if usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MinHosts < 1)
        {
            errors.Add($"min hosts ({MinHosts}) must be at least 1");
        }

        if (Window <= TimeSpan.Zero)
        {
            errors.Add($"window ({Window}) must be positive");
        }

        if (StormAlerts < 2)
        {
            errors.Add($"storm alerts ({StormAlerts}) must be at least 2: one alert is not a storm");
        }

        if (AttackMetrics is null)
        {
            errors.Add("attack metrics must be a set (empty to disable)");
        }

        if (QuietPeriod < Window)
        {
            errors.Add($"quiet period ({QuietPeriod}) must be at least the window ({Window})");
        }

        if (MaxEvidencePerIncident < 1)
        {
            errors.Add($"max evidence per incident ({MaxEvidencePerIncident}) must be at least 1");
        }

        return errors;
    }

    internal void ThrowIfInvalid(string paramName)
    {
        IReadOnlyList<string> errors = Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid correlation options: " + string.Join("; ", errors), paramName);
        }
    }
}
