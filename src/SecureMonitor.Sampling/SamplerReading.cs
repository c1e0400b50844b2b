namespace SecureMonitor.Sampling;

/// <summary>What one collector reported in one read: values, and metrics not supported here.</summary>
public sealed class SamplerReading
{
    private readonly List<KeyValuePair<string, double>> values;
    private List<string>? unsupported;

    public SamplerReading(int expectedValues = 4)
    {
        values = new List<KeyValuePair<string, double>>(expectedValues);
    }

    public IReadOnlyList<KeyValuePair<string, double>> Values => values;

    /// <summary>
    /// Metric names this system cannot provide. <see cref="MetricNames.AnyCpuCore"/> and
    /// <see cref="MetricNames.AnyInterface"/> stand for whole families.
    /// </summary>
    public IReadOnlyList<string> Unsupported => unsupported ?? (IReadOnlyList<string>)[];

    public void Add(string metric, double value)
    {
        ArgumentNullException.ThrowIfNull(metric);
        values.Add(new KeyValuePair<string, double>(metric, value));
    }

    /// <summary>Adds the value when there is one; a null means "no value yet" and adds nothing.</summary>
    public void AddIfPresent(string metric, double? value)
    {
        if (value is { } present)
        {
            Add(metric, present);
        }
    }

    public void AddUnsupported(string metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        (unsupported ??= new List<string>(4)).Add(metric);
    }
}
