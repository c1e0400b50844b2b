using SecureMonitor.Sampling.ProcFs;

namespace SecureMonitor.Sampling.Cpu;

/// <summary>
/// <see cref="MetricNames.CpuTotal"/> and <see cref="MetricNames.CpuCore"/> from /proc/stat jiffy
/// deltas between reads. The first read has nothing to compare with and reports no value.
/// </summary>
public sealed class CpuSampler : IMetricSampler
{
    public const string CollectorName = "cpu";

    private readonly string statPath;
    private readonly ProcFileReader reader = new();
    private List<CpuCoreTimes> previousCores = new();
    private List<CpuCoreTimes> currentCores = new();
    private CpuTimes? previousTotal;

    public CpuSampler(string procRoot)
    {
        ArgumentException.ThrowIfNullOrEmpty(procRoot);
        statPath = Path.Combine(procRoot, "stat");
    }

    public string Name => CollectorName;

    public SamplerReading Read()
    {
        var reading = new SamplerReading(1 + previousCores.Count);
        if (!reader.TryReadAll(statPath, out ReadOnlySpan<byte> text))
        {
            previousTotal = null;
            previousCores.Clear();
            reading.AddUnsupported(MetricNames.CpuTotal);
            reading.AddUnsupported(MetricNames.AnyCpuCore);
            return reading;
        }

        CpuTimes total = ProcStatParser.ParseInto(text, currentCores);
        if (previousTotal is { } previous)
        {
            reading.AddIfPresent(MetricNames.CpuTotal, CpuTimes.BusyPercent(previous, total));
            AddCores(reading);
        }

        previousTotal = total;
        (previousCores, currentCores) = (currentCores, previousCores);
        return reading;
    }

    private void AddCores(SamplerReading reading)
    {
        // Both lists are in the kernel's order (ascending core number), so a forward scan finds
        // each match; a core that went offline or came online has no pair and no value.
        int p = 0;
        foreach (CpuCoreTimes current in currentCores)
        {
            while (p < previousCores.Count && previousCores[p].Core < current.Core)
            {
                p++;
            }

            if (p < previousCores.Count && previousCores[p].Core == current.Core)
            {
                reading.AddIfPresent(MetricNames.CpuCore(current.Core), CpuTimes.BusyPercent(previousCores[p].Times, current.Times));
            }
        }
    }
}
