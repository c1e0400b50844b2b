using System.Collections.Frozen;
using SecureMonitor.Sampling.Cpu;
using SecureMonitor.Sampling.Load;
using SecureMonitor.Sampling.Memory;
using SecureMonitor.Sampling.Network;
using SecureMonitor.Sampling.Tcp;

namespace SecureMonitor.Sampling;

/// <summary>A collector that can be registered: its name, whether it runs by default, how to build it.</summary>
public sealed record CollectorDefinition(string Name, bool EnabledByDefault, string Description, Func<SamplingOptions, IMetricSampler> Create);

/// <summary>Where and how to sample.</summary>
public sealed record SamplingOptions
{
    /// <summary>The proc file system; tests point it at fixture files.</summary>
    public string ProcRoot { get; init; } = "/proc";

    /// <summary>The clock for rates and timestamps.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Least time between two reads of the TCP socket tables (see <see cref="TcpSocketStateSampler"/>);
    /// the watcher sets it from <c>watcher.sampling.tcp-sockets-interval</c>. Zero: every sample.</summary>
    public TimeSpan TcpSocketsInterval { get; init; }

    /// <summary>Collectors to run although they are off by default.</summary>
    public IReadOnlySet<string> Enable { get; init; } = FrozenSet<string>.Empty;

    /// <summary>Collectors not to run although they are on by default.</summary>
    public IReadOnlySet<string> Disable { get; init; } = FrozenSet<string>.Empty;
}

/// <summary>
/// Runs the host's collectors once per <see cref="Sample"/> and gathers their metrics. Each
/// collector's duration and success is recorded; a collector that throws is reported as failed and
/// the others still run. Not thread-safe (the samplers keep the previous counters): one caller.
/// </summary>
public sealed class HostSampler
{
    /// <summary>Every collector there is, in the order they run; the list is the registry.</summary>
    public static IReadOnlyList<CollectorDefinition> Collectors { get; } =
    [
        new(CpuSampler.CollectorName, true, "cpu.total and cpu.core.<n>, % busy, from /proc/stat",
            o => new CpuSampler(o.ProcRoot)),
        new(MemorySampler.CollectorName, true, "memory.used and swap.used, %, from /proc/meminfo",
            o => new MemorySampler(o.ProcRoot)),
        new(LoadSampler.CollectorName, true, "load.1, load.5, load.15 from /proc/loadavg",
            o => new LoadSampler(o.ProcRoot)),
        new(NetworkSampler.CollectorName, true, "net.<iface>.{rx,tx}_{bytes,packets} per second from /proc/net/dev",
            o => new NetworkSampler(o.ProcRoot, o.Time)),
        new(TcpCountersSampler.CollectorName, true, "tcp.listen_overflows, listen_drops, syncookies_sent, retrans_segs, attempt_fails, out_rsts per second from /proc/net/netstat and snmp",
            o => new TcpCountersSampler(o.ProcRoot, o.Time)),
        new(TcpSocketStateSampler.CollectorName, true, "tcp.syn_recv from /proc/net/tcp and tcp6 (cost grows with the socket count)",
            o => new TcpSocketStateSampler(o.ProcRoot, o.Time, o.TcpSocketsInterval)),
    ];

    private readonly IMetricSampler[] samplers;
    private readonly TimeProvider time;
    private int expectedValues = 16;

    /// <summary>Composes the given samplers explicitly (tests, or a custom set).</summary>
    public HostSampler(IEnumerable<IMetricSampler> samplers, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(samplers);
        ArgumentNullException.ThrowIfNull(time);
        this.samplers = [.. samplers];
        this.time = time;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (IMetricSampler sampler in this.samplers)
        {
            if (!names.Add(sampler.Name))
            {
                throw new ArgumentException($"Two samplers are named \"{sampler.Name}\".", nameof(samplers));
            }
        }
    }

    /// <summary>The collectors of <see cref="Collectors"/> that are on by default, adjusted by the options.</summary>
    public static HostSampler Create(SamplingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (string name in options.Enable.Concat(options.Disable))
        {
            if (!Collectors.Any(c => c.Name == name))
            {
                throw new ArgumentException($"There is no collector named \"{name}\"; there are: {string.Join(", ", Collectors.Select(c => c.Name))}.", nameof(options));
            }
        }

        var chosen = Collectors
            .Where(c => (c.EnabledByDefault || options.Enable.Contains(c.Name)) && !options.Disable.Contains(c.Name))
            .Select(c => c.Create(options));
        return new HostSampler(chosen, options.Time);
    }

    public IReadOnlyList<string> CollectorNames => Array.ConvertAll(samplers, s => s.Name);

    public SampleSet Sample()
    {
        DateTimeOffset timestamp = time.GetUtcNow();
        var values = new Dictionary<string, double>(expectedValues, StringComparer.Ordinal);
        HashSet<string>? unsupported = null;
        var statuses = new CollectorStatus[samplers.Length];
        for (int i = 0; i < samplers.Length; i++)
        {
            IMetricSampler sampler = samplers[i];
            long started = time.GetTimestamp();
            try
            {
                SamplerReading reading = sampler.Read();
                foreach (var (metric, value) in reading.Values)
                {
                    values[metric] = value;
                }

                foreach (string metric in reading.Unsupported)
                {
                    (unsupported ??= new HashSet<string>(StringComparer.Ordinal)).Add(metric);
                }

                statuses[i] = new CollectorStatus(sampler.Name, true, time.GetElapsedTime(started), null);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                statuses[i] = new CollectorStatus(sampler.Name, false, time.GetElapsedTime(started), $"{e.GetType().Name}: {e.Message}");
            }
        }

        expectedValues = Math.Max(expectedValues, values.Count);
        return new SampleSet(timestamp, values, (IReadOnlySet<string>?)unsupported ?? FrozenSet<string>.Empty, statuses);
    }
}
