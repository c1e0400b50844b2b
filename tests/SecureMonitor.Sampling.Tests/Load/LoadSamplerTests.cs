using SecureMonitor.Sampling.Load;
using SecureMonitor.Sampling.Tests.Support;

namespace SecureMonitor.Sampling.Tests.Load;

public sealed class LoadSamplerTests : IDisposable
{
    private readonly FixtureProcRoot proc = new();

    public void Dispose() => proc.Dispose();

    [Fact]
    public void Reports_the_three_load_averages()
    {
        proc.Write("loadavg", ProcSamples.LoadAvg);

        var values = new LoadSampler(proc.Path).Read().Values.ToDictionary();

        Assert.Equal(4.32, values[MetricNames.Load1]);
        Assert.Equal(4.28, values[MetricNames.Load5]);
        Assert.Equal(3.30, values[MetricNames.Load15]);
    }

    [Fact]
    public void A_missing_loadavg_makes_the_load_metrics_unsupported()
    {
        Assert.Equal([MetricNames.Load1, MetricNames.Load5, MetricNames.Load15], new LoadSampler(proc.Path).Read().Unsupported);
    }
}
