using System.Globalization;
using SecureMonitor.Monitor.Admin;
using SecureMonitor.Sampling;

namespace SecureMonitor.Monitor.Thresholds;

/// <summary>
/// One operator setting, <c>metric.key=value</c>, e.g. <c>cpu.total.warn=80</c>: the metric must be one
/// the watchers' samplers produce (<see cref="MetricNames.IsKnown"/>), the key one of <see cref="Keys"/>.
/// <c>none</c> removes a level (both removed: the metric is not watched); <c>default</c> removes this
/// scope's setting, so the broader one (all hosts, then the baseline) applies again.
/// </summary>
public sealed record ThresholdSetting(string Metric, string Key, string Value)
{
    public const string Default = "default";
    public const string None = "none";

    /// <summary>The levels operators usually set, and the rest of a rule's knobs.</summary>
    public static readonly IReadOnlyList<string> Keys = ["warn", "critical", "for", "hysteresis", "cooldown", "direction"];

    public bool RestoresDefault => Value == Default;

    public static bool TryParse(string text, out ThresholdSetting setting, out string error)
    {
        setting = null!;
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        var dot = equals < 0 ? -1 : text.LastIndexOf('.', equals);
        if (equals < 0 || dot <= 0)
        {
            error = $"'{AdminArguments.Printable(text)}' is not METRIC.LEVEL=VALUE (e.g. cpu.total.warn=80)";
            return false;
        }
        var metric = text[..dot];
        var key = text[(dot + 1)..equals].ToLowerInvariant();
        var value = text[(equals + 1)..].Trim();
        if (!MetricNames.IsKnown(metric))
        {
            error = $"'{AdminArguments.Printable(metric)}' is not a metric the watchers sample (e.g. cpu.total, memory.used, load.1, tcp.syn_recv, net.eth0.rx_bytes)";
            return false;
        }
        if (!Keys.Contains(key))
        {
            error = $"'{AdminArguments.Printable(key)}' in '{AdminArguments.Printable(text)}' is not one of {string.Join(", ", Keys)}";
            return false;
        }
        var problem = value == Default ? null : key switch
        {
            "warn" or "critical" => value == None || IsNumber(value) ? null : "a number or 'none'",
            "hysteresis" => IsNumber(value) && double.Parse(value, CultureInfo.InvariantCulture) >= 0 ? null : "a number, zero or more",
            "direction" => value is "above" or "below" ? null : "'above' or 'below'",
            _ => IsDuration(value) ? null : "a duration such as 30s or 5m",
        };
        if (problem is not null)
        {
            error = $"{metric}.{key} must be {problem} (or 'default'), not '{AdminArguments.Printable(value)}'";
            return false;
        }
        setting = new ThresholdSetting(metric, key, value);
        error = "";
        return true;
    }

    public override string ToString() => $"{Metric}.{Key}={Value}";

    private static bool IsNumber(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number);

    // The rule set checks the duration itself; this only keeps obvious garbage out of the store.
    private static bool IsDuration(string value) =>
        value == "0" || (value.Length >= 2 && char.IsAsciiDigit(value[0]) && char.IsAsciiLetter(value[^1]));
}
