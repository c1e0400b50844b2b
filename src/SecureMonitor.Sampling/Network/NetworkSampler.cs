using SecureMonitor.Sampling.ProcFs;

namespace SecureMonitor.Sampling.Network;

/// <summary>
/// Per interface (loopback included; threshold rules choose): bytes and packets per second
/// received and sent since the previous read, and the raw counters as "_total" metrics.
/// </summary>
public sealed class NetworkSampler : IMetricSampler
{
    public const string CollectorName = "network";

    private readonly string devPath;
    private readonly TimeProvider time;
    private readonly ProcFileReader reader = new();
    private readonly InterfaceNameTable names = new();
    private readonly List<InterfaceCounters> current = new();
    private readonly Dictionary<string, InterfaceState> states = new(StringComparer.Ordinal);
    private readonly List<string> gone = new();
    private long generation;

    public NetworkSampler(string procRoot, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrEmpty(procRoot);
        ArgumentNullException.ThrowIfNull(time);
        devPath = Path.Combine(procRoot, "net", "dev");
        this.time = time;
    }

    public string Name => CollectorName;

    public SamplerReading Read()
    {
        var reading = new SamplerReading(8 * Math.Max(states.Count, 1));
        long now = time.GetTimestamp();
        if (!reader.TryReadAll(devPath, out ReadOnlySpan<byte> text))
        {
            states.Clear();
            reading.AddUnsupported(MetricNames.AnyInterface);
            return reading;
        }

        NetDevParser.ParseInto(text, current, names);
        generation++;
        foreach (InterfaceCounters counters in current)
        {
            if (!states.TryGetValue(counters.Name, out InterfaceState? state))
            {
                state = new InterfaceState(MetricNames.Interface(counters.Name));
                states.Add(counters.Name, state);
            }

            state.Generation = generation;
            InterfaceMetricNames metric = state.Names;
            reading.AddIfPresent(metric.RxBytes, state.RxBytes.Update(counters.RxBytes, now, time));
            reading.AddIfPresent(metric.TxBytes, state.TxBytes.Update(counters.TxBytes, now, time));
            reading.AddIfPresent(metric.RxPackets, state.RxPackets.Update(counters.RxPackets, now, time));
            reading.AddIfPresent(metric.TxPackets, state.TxPackets.Update(counters.TxPackets, now, time));
            reading.Add(metric.RxBytesTotal, counters.RxBytes);
            reading.Add(metric.TxBytesTotal, counters.TxBytes);
            reading.Add(metric.RxPacketsTotal, counters.RxPackets);
            reading.Add(metric.TxPacketsTotal, counters.TxPackets);
        }

        ForgetVanishedInterfaces();
        return reading;
    }

    private void ForgetVanishedInterfaces()
    {
        if (states.Count == current.Count)
        {
            return;
        }

        gone.Clear();
        foreach (var (name, state) in states)
        {
            if (state.Generation != generation)
            {
                gone.Add(name);
            }
        }

        foreach (string name in gone)
        {
            states.Remove(name);
        }
    }

    private sealed class InterfaceState(InterfaceMetricNames names)
    {
        public readonly InterfaceMetricNames Names = names;
        public long Generation;
        public CounterRate RxBytes;
        public CounterRate TxBytes;
        public CounterRate RxPackets;
        public CounterRate TxPackets;
    }
}
