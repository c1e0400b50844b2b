using SecureMonitor.Analysis.Thresholds;

namespace SecureMonitor.Analysis.Tests.Thresholds;

/// <summary>Virtual time for threshold tests: second N is <c>T0 + N s</c>; the test decides when time passes.</summary>
internal static class Timeline
{
    public static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset At(double seconds) => T0.AddSeconds(seconds);

    public static ThresholdRule Cpu(
        double? warn = 80,
        double? critical = null,
        double forSeconds = 0,
        double hysteresis = 0,
        double cooldownSeconds = 0,
        ThresholdDirection direction = ThresholdDirection.Above,
        string metric = "cpu.total") => new()
        {
            Id = "cpu-high",
            Metric = metric,
            Warn = warn,
            Critical = critical,
            Direction = direction,
            For = TimeSpan.FromSeconds(forSeconds),
            Hysteresis = hysteresis,
            Cooldown = TimeSpan.FromSeconds(cooldownSeconds),
        };

    /// <summary>Feeds one sample per second from second <paramref name="from"/>; null is a missing sample.</summary>
    public static List<ThresholdEvent> Feed(this ThresholdEvaluator evaluator, int from, params double?[] values)
    {
        var events = new List<ThresholdEvent>();
        for (int i = 0; i < values.Length; i++)
        {
            events.AddRange(evaluator.Observe(values[i], At(from + i)));
        }

        return events;
    }

    /// <summary>The same value once per second for seconds <paramref name="from"/> to <paramref name="to"/> inclusive.</summary>
    public static List<ThresholdEvent> Hold(this ThresholdEvaluator evaluator, int from, int to, double value) =>
        evaluator.Feed(from, Enumerable.Repeat<double?>(value, to - from + 1).ToArray());
}
