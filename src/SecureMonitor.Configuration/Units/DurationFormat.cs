using System.Diagnostics.CodeAnalysis;

namespace SecureMonitor.Configuration.Units;

/// <summary>
/// HOCON durations: a number and a unit, e.g. <c>250ms</c>, <c>5s</c>, <c>1.5h</c>,
/// <c>5 seconds</c>. Units: ns, us, ms, s, m, h, d and their long forms. Unlike the spec, a bare
/// number is refused instead of read as milliseconds: "timeout = 30" is too easy to misread.
/// Precision is one tick (100 ns).
/// </summary>
public static class DurationFormat
{
    public const string UnitList = "ns, us, ms, s, m, h, d (or nanoseconds, microseconds, milliseconds, seconds, minutes, hours, days)";

    private static readonly Dictionary<string, decimal> TicksPerUnit = BuildUnits();

    public static bool TryParse(string text, out TimeSpan duration, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        duration = default;
        if (!QuantityText.TrySplit(text, out var number, out var unit, out error))
        {
            return false;
        }

        if (unit.Length == 0)
        {
            error = $"a duration needs a unit ({UnitList}), e.g. '{number}s'";
            return false;
        }

        if (!TicksPerUnit.TryGetValue(unit, out var ticksPerUnit))
        {
            error = $"unknown duration unit '{unit}' (expected {UnitList})";
            return false;
        }

        if (!QuantityText.TryScale(number, ticksPerUnit, TimeSpan.MaxValue.Ticks, out var ticks))
        {
            error = $"the duration is too long (the maximum is {TimeSpan.MaxValue.Days} days)";
            return false;
        }

        duration = TimeSpan.FromTicks((long)decimal.Round(ticks));
        return true;
    }

    private static Dictionary<string, decimal> BuildUnits()
    {
        var units = new Dictionary<string, decimal>(StringComparer.Ordinal);
        void Add(decimal ticks, params string[] names)
        {
            foreach (var name in names)
            {
                units.Add(name, ticks);
            }
        }

        Add(0.01m, "ns", "nano", "nanos", "nanosecond", "nanoseconds");
        Add(10m, "us", "micro", "micros", "microsecond", "microseconds");
        Add(TimeSpan.TicksPerMillisecond, "ms", "milli", "millis", "millisecond", "milliseconds");
        Add(TimeSpan.TicksPerSecond, "s", "second", "seconds");
        Add(TimeSpan.TicksPerMinute, "m", "minute", "minutes");
        Add(TimeSpan.TicksPerHour, "h", "hour", "hours");
        Add(TimeSpan.TicksPerDay, "d", "day", "days");
        return units;
    }
}
