namespace SecureMonitor.Benchmarks.Reporting;

internal static class Percentile
{
    /// <summary>The value below which a fraction <paramref name="p"/> of the sorted samples lie (nearest rank).</summary>
    public static double Of(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
}
