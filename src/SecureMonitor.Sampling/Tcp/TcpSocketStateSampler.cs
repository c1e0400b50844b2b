using SecureMonitor.Sampling.ProcFs;

namespace SecureMonitor.Sampling.Tcp;

/// <summary>
/// <see cref="MetricNames.TcpSynRecv"/>: sockets in SYN_RECV now, IPv4 and IPv6: through netlink
/// (<see cref="NetlinkSynRecvCounter"/>, the kernel sends only those sockets) for this process's own
/// tables, else (another root, or no netlink) from /proc/net/tcp and /proc/net/tcp6. Its cost grows with the number of sockets (about 150 bytes a
/// socket, streamed in 64 KB chunks), which is why it is a collector of its own that a very busy
/// server can turn off.
/// </summary>
/// <remarks>
/// Requests still in the SYN queue of a listener are listed in these files as SYN_RECV rows
/// (state 03) on current kernels, so a SYN flood shows up here.
/// Reading these files costs the kernel a walk of its whole connection hash table (measured about
/// 1.9 ms of CPU per file here, even with a hundred sockets, and growing with the host's RAM):
/// read every second that alone was three quarters of the idle watcher's CPU. So the tables are read
/// at most once per <c>refreshInterval</c> (the watcher's <c>tcp-sockets-interval</c>, 1 s: a flood is
/// worth that cost) and the last count is repeated in between; the per-second kernel counters
/// (ListenOverflows, SyncookiesSent, AttemptFails, OutRsts) react within a second whatever it is.
/// </remarks>
public sealed class TcpSocketStateSampler : IMetricSampler
{
    public const string CollectorName = "tcp_sockets";

    private readonly NetlinkSynRecvCounter? netlink;
    private readonly string tcpPath;
    private readonly string tcp6Path;
    private readonly ProcFileReader reader = new();
    private readonly TimeProvider time;
    private readonly TimeSpan refreshInterval;
    private long lastReadAt;
    private int? lastCount;

    public TcpSocketStateSampler(string procRoot, TimeProvider? time = null, TimeSpan? refreshInterval = null)
        // Netlink answers for the namespace this process is in: only when the tables read are its own.
        : this(procRoot, time, refreshInterval, useNetlink: Path.GetFullPath(procRoot).TrimEnd('/') == "/proc")
    {
    }

    /// <param name="useNetlink">False reads the tables' files whatever the root (tests compare the two ways).</param>
    internal TcpSocketStateSampler(string procRoot, TimeProvider? time, TimeSpan? refreshInterval, bool useNetlink)
    {
        ArgumentException.ThrowIfNullOrEmpty(procRoot);
        netlink = useNetlink ? new NetlinkSynRecvCounter() : null;
        tcpPath = Path.Combine(procRoot, "net", "tcp");
        tcp6Path = Path.Combine(procRoot, "net", "tcp6");
        this.time = time ?? TimeProvider.System;
        this.refreshInterval = refreshInterval ?? TimeSpan.Zero;
    }

    public string Name => CollectorName;

    public SamplerReading Read()
    {
        if (lastCount is { } cached && time.GetElapsedTime(lastReadAt) < refreshInterval)
        {
            var repeated = new SamplerReading(1);
            repeated.Add(MetricNames.TcpSynRecv, cached);
            return repeated;
        }
        lastReadAt = time.GetTimestamp();
        var reading = new SamplerReading(1);
        if (netlink is not null && netlink.TryCount(out var synRecv))
        {
            reading.Add(MetricNames.TcpSynRecv, synRecv);
            lastCount = synRecv;
            return reading;
        }
        var count = new Count(tcpPath);
        bool v4 = reader.TryVisitLines(tcpPath, ref count, CountSynRecv);
        count.File = tcp6Path;
        bool v6 = reader.TryVisitLines(tcp6Path, ref count, CountSynRecv); // absent when IPv6 is off: 0 then

        if (v4 || v6)
        {
            reading.Add(MetricNames.TcpSynRecv, count.SynRecv);
            lastCount = count.SynRecv;
        }
        else
        {
            reading.AddUnsupported(MetricNames.TcpSynRecv);
            lastCount = null;
        }

        return reading;
    }

    private static void CountSynRecv(ref Count count, ReadOnlySpan<byte> line)
    {
        if (TcpSocketTableParser.TryGetState(line, count.File, out TcpState state) && state == TcpState.SynRecv)
        {
            count.SynRecv++;
        }
    }

    private struct Count(string file)
    {
        public string File = file;
        public int SynRecv;
    }
}
