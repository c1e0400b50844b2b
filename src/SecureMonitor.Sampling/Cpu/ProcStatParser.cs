using System.Text;
using SecureMonitor.Sampling.ProcFs;

namespace SecureMonitor.Sampling.Cpu;

/// <summary>The CPU lines of /proc/stat (proc(5)).</summary>
/// <example>
/// <code>
/// cpu  174048 0 13415 120506 462 0 488 141 0 0
/// cpu0 86296 0 6911 60747 285 0 234 69 0 0
/// cpu1 87752 0 6504 59758 177 0 253 71 0 0
/// intr 1425176 0 0 ...
/// </code>
/// </example>
public static class ProcStatParser
{
    private const string File = "/proc/stat";
    private const int MinFields = 4; // user nice system idle: every kernel since 2.4

    public static ProcStat Parse(string text) => Parse(Encoding.UTF8.GetBytes(text));

    public static ProcStat Parse(ReadOnlySpan<byte> text)
    {
        var cores = new List<CpuCoreTimes>();
        CpuTimes total = ParseInto(text, cores);
        return new ProcStat(total, cores);
    }

    /// <summary>
    /// Parses into a caller-owned list (cleared first), so a sampler reuses it every second.
    /// Returns the aggregate "cpu" line.
    /// </summary>
    public static CpuTimes ParseInto(ReadOnlySpan<byte> text, List<CpuCoreTimes> cores)
    {
        ArgumentNullException.ThrowIfNull(cores);
        cores.Clear();
        CpuTimes? total = null;
        while (ProcText.TryReadLine(ref text, out ReadOnlySpan<byte> line))
        {
            ReadOnlySpan<byte> rest = line;
            if (!ProcText.TryReadToken(ref rest, out ReadOnlySpan<byte> label) || !label.StartsWith("cpu"u8))
            {
                if (total is not null)
                {
                    break; // the cpu lines come first; the rest (intr, ctxt...) is not ours
                }

                continue;
            }

            CpuTimes times = ParseTimes(rest, line);
            if (label.Length == 3)
            {
                total = times;
            }
            else if (ProcText.TryParseUInt64(label[3..], out ulong core) && core <= int.MaxValue)
            {
                cores.Add(new CpuCoreTimes((int)core, times));
            }
            else
            {
                throw new ProcFormatException(File, "a cpu line has a label that is neither \"cpu\" nor \"cpuN\"", line);
            }
        }

        return total ?? throw new ProcFormatException(File, "there is no aggregate \"cpu\" line");
    }

    private static CpuTimes ParseTimes(ReadOnlySpan<byte> fields, ReadOnlySpan<byte> line)
    {
        Span<ulong> values = stackalloc ulong[10];
        int count = 0;
        while (count < values.Length && ProcText.TryReadToken(ref fields, out ReadOnlySpan<byte> token))
        {
            values[count++] = ProcText.ParseUInt64(token, File, "a cpu time", line);
        }

        if (count < MinFields)
        {
            throw new ProcFormatException(File, $"a cpu line has {count} times; expected at least {MinFields}", line);
        }

        return new CpuTimes(values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7], values[8], values[9]);
    }
}

/// <summary>The parsed CPU lines of /proc/stat.</summary>
public sealed record ProcStat(CpuTimes Total, IReadOnlyList<CpuCoreTimes> Cores);
