using SecureMonitor.Sampling.Memory;
using SecureMonitor.Sampling.Tests.Support;

namespace SecureMonitor.Sampling.Tests.Memory;

public sealed class MemorySamplerTests : IDisposable
{
    private readonly FixtureProcRoot proc = new();

    public void Dispose() => proc.Dispose();

    [Fact]
    public void Reports_memory_and_swap_use_from_the_first_reading()
    {
        proc.Write("meminfo", "MemTotal: 1000 kB\nMemFree: 100 kB\nMemAvailable: 250 kB\nSwapTotal: 400 kB\nSwapFree: 300 kB\n");

        var values = new MemorySampler(proc.Path).Read().Values.ToDictionary();

        Assert.Equal(75.0, values[MetricNames.MemoryUsed]);
        Assert.Equal(25.0, values[MetricNames.SwapUsed]);
    }

    [Fact]
    public void On_a_kernel_without_MemAvailable_reads_zoneinfo_to_estimate_it()
    {
        proc.Write("meminfo", ProcSamples.MemInfoWithoutMemAvailable);
        proc.Write("zoneinfo", ProcSamples.ZoneInfo);
        MemInfo info = MemInfoParser.Parse(ProcSamples.MemInfoWithoutMemAvailable);
        double expected = info.UsedPercent(ZoneInfoParser.SumLowWatermarkPages(ProcSamples.ZoneInfo), Environment.SystemPageSize)!.Value;

        var values = new MemorySampler(proc.Path).Read().Values.ToDictionary();

        Assert.Equal(expected, values[MetricNames.MemoryUsed]);
        Assert.NotEqual((8000000.0 - 3000000) * 100 / 8000000, expected); // not the free + cached fallback
    }

    [Fact]
    public void A_missing_meminfo_makes_memory_and_swap_unsupported()
    {
        SamplerReading reading = new MemorySampler(proc.Path).Read();

        Assert.Empty(reading.Values);
        Assert.Equal([MetricNames.MemoryUsed, MetricNames.SwapUsed], reading.Unsupported);
    }

    [Fact]
    public void Swap_fields_missing_from_meminfo_make_only_swap_unsupported()
    {
        proc.Write("meminfo", "MemTotal: 1000 kB\nMemFree: 100 kB\nMemAvailable: 500 kB\n");

        SamplerReading reading = new MemorySampler(proc.Path).Read();

        Assert.Equal(50.0, reading.Values.ToDictionary()[MetricNames.MemoryUsed]);
        Assert.Equal([MetricNames.SwapUsed], reading.Unsupported);
    }
}
