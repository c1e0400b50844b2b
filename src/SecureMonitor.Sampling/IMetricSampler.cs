namespace SecureMonitor.Sampling;

/// <summary>
/// One collector: reads its part of /proc and reports metrics (see <see cref="MetricNames"/>).
/// </summary>
/// <remarks>
/// Rules for samplers (node_exporter's): read /proc and /sys only, need no root, run no external
/// command; the proc root is a constructor parameter so tests run on fixture files. A metric the
/// system cannot provide (file or field absent) is reported as unsupported, never as zero; "no
/// data yet" (the first reading of a rate or percentage) is simply absent, not an error.
/// Anything else that goes wrong (unreadable file, malformed content) throws, and
/// <see cref="HostSampler"/> records the collector as failed without stopping the others.
/// A sampler keeps the previous raw counters between reads, so it is not thread-safe: one caller
/// (the sampler actor) reads it.
/// </remarks>
public interface IMetricSampler
{
    /// <summary>The collector's name, as listed in <see cref="HostSampler.Collectors"/>.</summary>
    string Name { get; }

    SamplerReading Read();
}
