using SecureMonitor.Sampling.ProcFs;

namespace SecureMonitor.Sampling.Load;

/// <summary><see cref="MetricNames.Load1"/>, <see cref="MetricNames.Load5"/>, <see cref="MetricNames.Load15"/>.</summary>
public sealed class LoadSampler : IMetricSampler
{
    public const string CollectorName = "load";

    private readonly string loadavgPath;
    private readonly ProcFileReader reader = new();

    public LoadSampler(string procRoot)
    {
        ArgumentException.ThrowIfNullOrEmpty(procRoot);
        loadavgPath = Path.Combine(procRoot, "loadavg");
    }

    public string Name => CollectorName;

    public SamplerReading Read()
    {
        var reading = new SamplerReading(3);
        if (!reader.TryReadAll(loadavgPath, out ReadOnlySpan<byte> text))
        {
            reading.AddUnsupported(MetricNames.Load1);
            reading.AddUnsupported(MetricNames.Load5);
            reading.AddUnsupported(MetricNames.Load15);
            return reading;
        }

        LoadAverage load = LoadAverageParser.Parse(text);
        reading.Add(MetricNames.Load1, load.One);
        reading.Add(MetricNames.Load5, load.Five);
        reading.Add(MetricNames.Load15, load.Fifteen);
        return reading;
    }
}
