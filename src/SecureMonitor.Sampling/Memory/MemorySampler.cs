using SecureMonitor.Sampling.ProcFs;

namespace SecureMonitor.Sampling.Memory;

/// <summary><see cref="MetricNames.MemoryUsed"/> and <see cref="MetricNames.SwapUsed"/> from /proc/meminfo.</summary>
public sealed class MemorySampler : IMetricSampler
{
    public const string CollectorName = "memory";

    private readonly string meminfoPath;
    private readonly string zoneinfoPath;
    private readonly ProcFileReader reader = new();

    public MemorySampler(string procRoot)
    {
        ArgumentException.ThrowIfNullOrEmpty(procRoot);
        meminfoPath = Path.Combine(procRoot, "meminfo");
        zoneinfoPath = Path.Combine(procRoot, "zoneinfo");
    }

    public string Name => CollectorName;

    public SamplerReading Read()
    {
        var reading = new SamplerReading(2);
        if (!reader.TryReadAll(meminfoPath, out ReadOnlySpan<byte> text))
        {
            reading.AddUnsupported(MetricNames.MemoryUsed);
            reading.AddUnsupported(MetricNames.SwapUsed);
            return reading;
        }

        MemInfo info = MemInfoParser.Parse(text);
        ulong? lowWatermarkPages = null;
        if (info.NeedsZoneInfo && reader.TryReadAll(zoneinfoPath, out ReadOnlySpan<byte> zoneinfo))
        {
            lowWatermarkPages = ZoneInfoParser.SumLowWatermarkPages(zoneinfo);
        }

        Add(reading, MetricNames.MemoryUsed, info.UsedPercent(lowWatermarkPages, Environment.SystemPageSize));
        Add(reading, MetricNames.SwapUsed, info.SwapUsedPercent());
        return reading;
    }

    // Memory is a level, not a rate: a missing value means the kernel lacks the fields.
    private static void Add(SamplerReading reading, string metric, double? value)
    {
        if (value is { } present)
        {
            reading.Add(metric, present);
        }
        else
        {
            reading.AddUnsupported(metric);
        }
    }
}
