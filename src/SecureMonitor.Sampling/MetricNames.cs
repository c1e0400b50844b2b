using System.Collections.Concurrent;

namespace SecureMonitor.Sampling;

/// <summary>
/// The names of the host metrics, as threshold rules refer to them. Percentages are 0-100; rates
/// are per second since the previous sample; "_total" names are raw counters since boot.
/// </summary>
/// <remarks>
/// Interface names are used verbatim, so a VLAN interface gives names such as
/// "net.eth0.100.rx_bytes": match whole names, do not split on dots.
/// </remarks>
public static class MetricNames
{
    /// <summary>% of all cores busy since the previous sample (psutil's cpu_percent()).</summary>
    public const string CpuTotal = "cpu.total";

    public const string CpuCorePrefix = "cpu.core.";

    /// <summary>Marks all per-core metrics unsupported at once.</summary>
    public const string AnyCpuCore = "cpu.core.*";

    /// <summary>% of memory in use: (total - available) / total (psutil's virtual_memory().percent).</summary>
    public const string MemoryUsed = "memory.used";

    /// <summary>% of swap in use; 0 when the host has no swap (which is true, not unknown).</summary>
    public const string SwapUsed = "swap.used";

    public const string Load1 = "load.1";
    public const string Load5 = "load.5";
    public const string Load15 = "load.15";

    public const string InterfacePrefix = "net.";

    /// <summary>Marks all per-interface metrics unsupported at once.</summary>
    public const string AnyInterface = "net.*";

    /// <summary>Sockets currently in SYN_RECV (IPv4 and IPv6).</summary>
    public const string TcpSynRecv = "tcp.syn_recv";

    /// <summary>Per second: SYNs dropped because a listen queue was full (TcpExt ListenOverflows).</summary>
    public const string TcpListenOverflows = "tcp.listen_overflows";

    /// <summary>Per second: SYNs dropped by a listener for any reason (TcpExt ListenDrops).</summary>
    public const string TcpListenDrops = "tcp.listen_drops";

    /// <summary>Per second: SYN cookies sent, i.e. the SYN queue overflowed (TcpExt SyncookiesSent).</summary>
    public const string TcpSyncookiesSent = "tcp.syncookies_sent";

    /// <summary>Per second: TCP segments retransmitted (Tcp RetransSegs).</summary>
    public const string TcpRetransSegs = "tcp.retrans_segs";

    /// <summary>Per second: connection attempts that failed, including half-open requests reset in SYN_RECV (Tcp AttemptFails).</summary>
    public const string TcpAttemptFails = "tcp.attempt_fails";

    /// <summary>Per second: TCP resets sent (Tcp OutRsts).</summary>
    public const string TcpOutRsts = "tcp.out_rsts";

    public const string TotalSuffix = "_total";

    private const int CachedCores = 1024;
    private static readonly string?[] CoreNames = new string?[CachedCores];
    private static readonly ConcurrentDictionary<string, InterfaceMetricNames> InterfaceNames = new(StringComparer.Ordinal);

    /// <summary>"cpu.core.&lt;n&gt;"; the strings are cached, so sampling allocates none.</summary>
    public static string CpuCore(int core)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(core);
        if (core >= CachedCores)
        {
            return CpuCorePrefix + core.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return CoreNames[core] ??= CpuCorePrefix + core.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The metric names of one network interface (cached per interface).</summary>
    public static InterfaceMetricNames Interface(string iface)
    {
        ArgumentException.ThrowIfNullOrEmpty(iface);
        return InterfaceNames.GetOrAdd(iface, static name => new InterfaceMetricNames(name));
    }

    /// <summary>The counter name that goes with a rate: "tcp.retrans_segs" → "tcp.retrans_segs_total".</summary>
    public static string Total(string rateMetric) => rateMetric + TotalSuffix;

    private static readonly HashSet<string> FixedNames = new(StringComparer.Ordinal)
    {
        CpuTotal, MemoryUsed, SwapUsed, Load1, Load5, Load15, TcpSynRecv,
        TcpListenOverflows, TcpListenDrops, TcpSyncookiesSent, TcpRetransSegs, TcpAttemptFails, TcpOutRsts,
        Total(TcpListenOverflows), Total(TcpListenDrops), Total(TcpSyncookiesSent), Total(TcpRetransSegs),
        Total(TcpAttemptFails), Total(TcpOutRsts),
    };

    private static readonly string[] InterfaceSuffixes =
        [".rx_bytes", ".tx_bytes", ".rx_packets", ".tx_packets", ".rx_bytes_total", ".tx_bytes_total", ".rx_packets_total", ".tx_packets_total"];

    /// <summary>
    /// Whether <paramref name="metric"/> is a name the samplers can produce: a fixed name, <c>cpu.core.N</c>, or
    /// <c>net.IFACE.rx_bytes</c> and its siblings for any interface name (which this host may not have).
    /// </summary>
    public static bool IsKnown(string? metric)
    {
        if (string.IsNullOrEmpty(metric))
        {
            return false;
        }
        if (FixedNames.Contains(metric) || (TryGetCpuCore(metric, out var core) && core >= 0 && metric == CpuCore(core)))
        {
            return true;
        }
        if (!metric.StartsWith(InterfacePrefix, StringComparison.Ordinal))
        {
            return false;
        }
        foreach (var suffix in InterfaceSuffixes)
        {
            if (metric.EndsWith(suffix, StringComparison.Ordinal))
            {
                // Linux interface names: 1 to 15 bytes, no '/', no whitespace.
                var iface = metric.AsSpan(InterfacePrefix.Length, metric.Length - InterfacePrefix.Length - suffix.Length);
                return iface.Length is >= 1 and <= 15 && !iface.ContainsAny("/ \t") && !iface.ContainsAnyInRange('\0', ' ');
            }
        }
        return false;
    }

    /// <summary>Whether <paramref name="metric"/> is a per-core metric, and which core.</summary>
    public static bool TryGetCpuCore(string metric, out int core)
    {
        core = -1;
        return metric is not null
            && metric.StartsWith(CpuCorePrefix, StringComparison.Ordinal)
            && int.TryParse(metric.AsSpan(CpuCorePrefix.Length), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out core);
    }
}

/// <summary>The metric names of one network interface.</summary>
public sealed class InterfaceMetricNames
{
    internal InterfaceMetricNames(string iface)
    {
        Interface = iface;
        string prefix = MetricNames.InterfacePrefix + iface + ".";
        RxBytes = prefix + "rx_bytes";
        TxBytes = prefix + "tx_bytes";
        RxPackets = prefix + "rx_packets";
        TxPackets = prefix + "tx_packets";
        RxBytesTotal = MetricNames.Total(RxBytes);
        TxBytesTotal = MetricNames.Total(TxBytes);
        RxPacketsTotal = MetricNames.Total(RxPackets);
        TxPacketsTotal = MetricNames.Total(TxPackets);
    }

    public string Interface { get; }

    /// <summary>"net.&lt;iface&gt;.rx_bytes": bytes received per second.</summary>
    public string RxBytes { get; }

    public string TxBytes { get; }

    public string RxPackets { get; }

    public string TxPackets { get; }

    /// <summary>"net.&lt;iface&gt;.rx_bytes_total": bytes received since boot (the raw counter).</summary>
    public string RxBytesTotal { get; }

    public string TxBytesTotal { get; }

    public string RxPacketsTotal { get; }

    public string TxPacketsTotal { get; }
}
