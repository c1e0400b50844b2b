using System.Text;
using SecureMonitor.Sampling.ProcFs;

namespace SecureMonitor.Sampling.Load;

/// <summary>The 1, 5 and 15 minute load averages.</summary>
public readonly record struct LoadAverage(double One, double Five, double Fifteen);

/// <summary>/proc/loadavg (proc(5)), for example "4.32 4.28 3.30 10/241 25378".</summary>
public static class LoadAverageParser
{
    private const string File = "/proc/loadavg";

    public static LoadAverage Parse(string text) => Parse(Encoding.UTF8.GetBytes(text));

    public static LoadAverage Parse(ReadOnlySpan<byte> text)
    {
        ProcText.TryReadLine(ref text, out ReadOnlySpan<byte> line);
        ReadOnlySpan<byte> rest = line;
        Span<double> values = stackalloc double[3];
        for (int i = 0; i < values.Length; i++)
        {
            if (!ProcText.TryReadToken(ref rest, out ReadOnlySpan<byte> token))
            {
                throw new ProcFormatException(File, $"expected 3 load averages, found {i}", line);
            }

            values[i] = ProcText.ParseDouble(token, File, "a load average", line);
        }

        return new LoadAverage(values[0], values[1], values[2]);
    }
}
