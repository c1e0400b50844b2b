using System.Buffers;
using System.Globalization;

namespace SecureMonitor.Analysis.Thresholds;

/// <summary>
/// One threshold rule: when <see cref="Metric"/> is beyond <see cref="Warn"/> or <see cref="Critical"/>
/// (per <see cref="Direction"/>) for <see cref="For"/>, an alert opens; it closes once the value is back
/// past the level by <see cref="Hysteresis"/>; it opens again at the same severity no sooner than
/// <see cref="Cooldown"/> after the previous opening. Construction does not validate (records are data);
/// call <see cref="Validate"/>, which <see cref="ThresholdEvaluator"/> and <see cref="ThresholdRuleSet"/> do.
/// </summary>
public sealed partial record ThresholdRule
{
    /// <summary>Longest metric name accepted; names are short dotted identifiers such as <c>cpu.total</c>.</summary>
    public const int MaxMetricLength = 128;

    /// <summary>Lower case, starts with a letter or digit, at most 63 characters (fits a DNS label).</summary>
    public required string Id { get; init; }

    /// <summary>The sampled metric the rule watches, e.g. <c>cpu.total</c>.</summary>
    public required string Metric { get; init; }

    /// <summary>Level for <see cref="Severity.Warning"/>, or null for none.</summary>
    public double? Warn { get; init; }

    /// <summary>Level for <see cref="Severity.Critical"/>, or null for none.</summary>
    public double? Critical { get; init; }

    public ThresholdDirection Direction { get; init; } = ThresholdDirection.Above;

    /// <summary>How long every sample must breach before the alert fires (Prometheus' <c>for</c>); zero fires at once.</summary>
    public TimeSpan For { get; init; }

    /// <summary>How far back past a level the value must come before that level counts as cleared.</summary>
    public double Hysteresis { get; init; }

    /// <summary>Minimum time between two firings at the same severity. Never delays an escalation.</summary>
    public TimeSpan Cooldown { get; init; }

    /// <summary>The level of <paramref name="severity"/>, or null if the rule has none.</summary>
    public double? LevelOf(Severity severity) => severity switch
    {
        Severity.Warning => Warn,
        Severity.Critical => Critical,
        _ => throw new ArgumentOutOfRangeException(nameof(severity), severity, "unknown severity"),
    };

    /// <summary>Every problem with the rule, in plain words; empty if the rule is usable.</summary>
    public IReadOnlyList<string> Validate() => ValidateByKey().Select(e => e.Message).ToArray();

    /// <summary>Problems keyed by the configuration key they concern (for <see cref="ThresholdRuleSet"/>).</summary>
    internal List<(string Key, string Message)> ValidateByKey()
    {
        var errors = new List<(string Key, string Message)>();

        if (!IsValidId(Id))
        {
            errors.Add((Keys.Id, $"id '{Printable(Id)}' must be 1 to 63 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit"));
        }

        if (string.IsNullOrEmpty(Metric))
        {
            errors.Add((Keys.Metric, "metric is required"));
        }
        else if (Metric.Length > MaxMetricLength || Metric.Any(c => c <= ' ' || c > '~'))
        {
            errors.Add((Keys.Metric, $"metric '{Printable(Metric)}' must be 1 to {MaxMetricLength} printable ASCII characters without spaces"));
        }

        if (Direction is not (ThresholdDirection.Above or ThresholdDirection.Below))
        {
            errors.Add((Keys.Direction, $"direction ({(int)Direction}) must be 'above' or 'below'"));
        }

        bool warnOk = CheckLevel(Warn, Keys.Warn, errors);
        bool criticalOk = CheckLevel(Critical, Keys.Critical, errors);
        if (Warn is null && Critical is null)
        {
            errors.Add((Keys.Warn, "a rule needs a warn level, a critical level, or both"));
        }
        else if (warnOk && criticalOk && Warn is double w && Critical is double c)
        {
            if (Direction == ThresholdDirection.Above && !(c > w))
            {
                errors.Add((Keys.Critical, $"critical ({Num(c)}) must be above warn ({Num(w)}) for an 'above' rule"));
            }
            else if (Direction == ThresholdDirection.Below && !(c < w))
            {
                errors.Add((Keys.Critical, $"critical ({Num(c)}) must be below warn ({Num(w)}) for a 'below' rule"));
            }
        }

        if (For < TimeSpan.Zero)
        {
            errors.Add((Keys.For, $"for ({For}) must not be negative"));
        }

        if (double.IsNaN(Hysteresis) || double.IsInfinity(Hysteresis) || Hysteresis < 0)
        {
            errors.Add((Keys.Hysteresis, $"hysteresis ({Num(Hysteresis)}) must be a finite number, zero or more"));
        }

        if (Cooldown < TimeSpan.Zero)
        {
            errors.Add((Keys.Cooldown, $"cooldown ({Cooldown}) must not be negative"));
        }

        return errors;
    }

    private static bool CheckLevel(double? level, string key, List<(string Key, string Message)> errors)
    {
        if (level is double v && !double.IsFinite(v))
        {
            errors.Add((key, $"{key} ({Num(v)}) must be a finite number"));
            return false;
        }

        return true;
    }

    internal static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Shows control characters in error messages instead of letting them break a log line.</summary>
    internal static string Printable(string? s) =>
        s is null ? "" : string.Concat(s.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));

    private static readonly SearchValues<char> IdCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789._-");

    /// <summary>1 to 63 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit.
    /// Checked by hand rather than with a regular expression so the watcher, which validates its
    /// rules at start, never loads System.Text.RegularExpressions (README, "Footprint").</summary>
    private static bool IsValidId(string? id) =>
        id is { Length: >= 1 and <= 63 } && (char.IsAsciiLetterLower(id[0]) || char.IsAsciiDigit(id[0]))
        && !id.AsSpan().ContainsAnyExcept(IdCharacters);

    /// <summary>Configuration keys, shared by validation messages and <see cref="ThresholdRuleSet"/>.</summary>
    internal static class Keys
    {
        public const string Id = "id";
        public const string Metric = "metric";
        public const string Warn = "warn";
        public const string Critical = "critical";
        public const string Direction = "direction";
        public const string For = "for";
        public const string Hysteresis = "hysteresis";
        public const string Cooldown = "cooldown";

        public static readonly IReadOnlyList<string> All = [Id, Metric, Warn, Critical, Direction, For, Hysteresis, Cooldown];
    }
}
