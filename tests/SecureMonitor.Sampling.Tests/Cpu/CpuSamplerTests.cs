using SecureMonitor.Sampling.Cpu;
using SecureMonitor.Sampling.Tests.Support;

namespace SecureMonitor.Sampling.Tests.Cpu;

public sealed class CpuSamplerTests : IDisposable
{
    private readonly FixtureProcRoot proc = new();

    public void Dispose() => proc.Dispose();

    [Fact]
    public void The_first_reading_has_no_percentages_yet_and_the_second_has_exact_ones_from_jiffy_deltas()
    {
        var sampler = new CpuSampler(proc.Path);
        proc.Write("stat", Stat(
            "cpu  1000 0 500 8000 100 0 0 0 0 0",
            "cpu0 500 0 250 4000 50 0 0 0 0 0",
            "cpu1 500 0 250 4000 50 0 0 0 0 0"));

        SamplerReading first = sampler.Read();

        Assert.Empty(first.Values);
        Assert.Empty(first.Unsupported);

        proc.Write("stat", Stat(
            "cpu  1150 0 550 8250 150 0 0 0 0 0",   // busy +200 of +500
            "cpu0 600 0 250 4100 50 0 0 0 0 0",     // busy +100 of +200
            "cpu1 550 0 300 4150 100 0 0 0 0 0"));  // busy +100 of +300

        var second = sampler.Read().Values.ToDictionary();

        Assert.Equal(40.0, second[MetricNames.CpuTotal], precision: 9);
        Assert.Equal(50.0, second["cpu.core.0"], precision: 9);
        Assert.Equal(100.0 / 3, second["cpu.core.1"], precision: 9);
    }

    [Fact]
    public void A_core_that_comes_online_gets_a_percentage_only_from_its_second_reading()
    {
        var sampler = new CpuSampler(proc.Path);
        proc.Write("stat", Stat("cpu  10 0 0 10 0", "cpu0 10 0 0 10 0"));
        sampler.Read();
        proc.Write("stat", Stat("cpu  30 0 0 20 0", "cpu0 20 0 0 20 0", "cpu1 10 0 0 0 0"));

        var values = sampler.Read().Values.ToDictionary();

        Assert.True(values.ContainsKey("cpu.core.0"));
        Assert.False(values.ContainsKey("cpu.core.1"));
    }

    [Fact]
    public void A_missing_proc_stat_makes_the_cpu_metrics_unsupported_rather_than_zero()
    {
        SamplerReading reading = new CpuSampler(proc.Path).Read();

        Assert.Empty(reading.Values);
        Assert.Equal([MetricNames.CpuTotal, MetricNames.AnyCpuCore], reading.Unsupported);
    }

    private static string Stat(params string[] cpuLines) => string.Join('\n', cpuLines) + "\nintr 0\nctxt 0\n";
}
