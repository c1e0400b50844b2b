using SecureMonitor.Sampling.ProcFs;

namespace SecureMonitor.Sampling.Tcp;

/// <summary>
/// Per-second rates of the kernel's TCP counters that signal a SYN flood or a saturated link:
/// ListenOverflows, ListenDrops, SyncookiesSent (TcpExt, /proc/net/netstat) and RetransSegs,
/// AttemptFails, OutRsts (Tcp, /proc/net/snmp); the raw counters are reported too, as "_total" metrics.
/// </summary>
/// <remarks>
/// A flood does not always send cookies: when the SYN-ACKs reach a host that answers them with a reset
/// (spoofed live addresses, or loopback), each half-open request dies at once, so the SYN queue never
/// fills; what moves is AttemptFails (requests reset in SYN_RECV) and OutRsts (resets sent).
/// </remarks>
public sealed class TcpCountersSampler : IMetricSampler
{
    public const string CollectorName = "tcp";

    private readonly string netstatPath;
    private readonly string snmpPath;
    private readonly TimeProvider time;
    private readonly ProcFileReader reader = new();
    private readonly Counter[] netstatCounters =
    [
        new(MetricNames.TcpListenOverflows, "ListenOverflows"u8.ToArray()),
        new(MetricNames.TcpListenDrops, "ListenDrops"u8.ToArray()),
        new(MetricNames.TcpSyncookiesSent, "SyncookiesSent"u8.ToArray()),
    ];

    private readonly Counter[] snmpCounters =
    [
        new(MetricNames.TcpRetransSegs, "RetransSegs"u8.ToArray()),
        new(MetricNames.TcpAttemptFails, "AttemptFails"u8.ToArray()),
        new(MetricNames.TcpOutRsts, "OutRsts"u8.ToArray()),
    ];

    public TcpCountersSampler(string procRoot, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrEmpty(procRoot);
        ArgumentNullException.ThrowIfNull(time);
        netstatPath = Path.Combine(procRoot, "net", "netstat");
        snmpPath = Path.Combine(procRoot, "net", "snmp");
        this.time = time;
    }

    public string Name => CollectorName;

    public SamplerReading Read()
    {
        var reading = new SamplerReading(12);
        long now = time.GetTimestamp();
        bool hasNetstat = reader.TryReadAll(netstatPath, out ReadOnlySpan<byte> netstat);
        foreach (Counter counter in netstatCounters)
        {
            counter.Report(reading, hasNetstat ? SnmpCounterParser.Find(netstat, "TcpExt"u8, counter.Field, "/proc/net/netstat") : null, now, time);
        }

        bool hasSnmp = reader.TryReadAll(snmpPath, out ReadOnlySpan<byte> snmp);
        foreach (Counter counter in snmpCounters)
        {
            counter.Report(reading, hasSnmp ? SnmpCounterParser.Find(snmp, "Tcp"u8, counter.Field, "/proc/net/snmp") : null, now, time);
        }

        return reading;
    }

    private sealed class Counter(string metric, byte[] field)
    {
        private readonly string totalMetric = MetricNames.Total(metric);
        private CounterRate rate;

        public byte[] Field { get; } = field;

        public void Report(SamplerReading reading, ulong? value, long now, TimeProvider time)
        {
            if (value is not { } present)
            {
                rate.Reset();
                reading.AddUnsupported(metric);
                reading.AddUnsupported(totalMetric);
                return;
            }

            reading.AddIfPresent(metric, rate.Update(present, now, time));
            reading.Add(totalMetric, present);
        }
    }
}
