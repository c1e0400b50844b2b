using System.Globalization;

namespace SecureMonitor.Benchmarks.Reporting;

/// <summary>
/// The machine-readable line every custom runner prints for each figure it measured, read by
/// <c>bench/run-all.sh</c>: <c>RESULT name=value unit=U</c>, invariant culture, one figure a line,
/// so the report never depends on the wording of the prose around it.
/// </summary>
internal static class ResultLine
{
    public static void Print(string name, double value, string unit) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT {name}={value:0.###} unit={unit}"));
}
