using System.Diagnostics;

namespace SecureMonitor.Benchmarks.Reporting;

/// <summary>
/// CPU time and resident memory of one process (the runner itself or a monitor it started), read
/// from /proc by <see cref="Process"/> (utime+stime and VmRSS). CPU is reported in % of one core
/// over the interval between <see cref="Start"/> and <see cref="Stop"/>; RSS is sampled on each
/// call to <see cref="Sample"/> and at <see cref="Stop"/>, so the peak over the interval is kept too.
/// </summary>
internal sealed class ProcessUsage(Process process)
{
    private TimeSpan _cpuAtStart;
    private long _startedAt;
    private long _peakRss;

    public static ProcessUsage Of(int processId) => new(Process.GetProcessById(processId));

    public static ProcessUsage OfSelf() => new(Process.GetCurrentProcess());

    public void Start()
    {
        process.Refresh();
        _cpuAtStart = process.TotalProcessorTime;
        _startedAt = Stopwatch.GetTimestamp();
        _peakRss = process.WorkingSet64;
    }

    /// <summary>Resident set size now, in bytes.</summary>
    public long Sample()
    {
        process.Refresh();
        var rss = process.WorkingSet64;
        _peakRss = Math.Max(_peakRss, rss);
        return rss;
    }

    /// <summary>CPU % of one core since <see cref="Start"/>, resident memory now and its peak (MB).</summary>
    public (double CpuPercent, double RssMb, double PeakRssMb) Stop()
    {
        var rss = Sample();
        var cpu = process.TotalProcessorTime - _cpuAtStart;
        var elapsed = Stopwatch.GetElapsedTime(_startedAt);
        return (100 * cpu / elapsed, rss / 1048576.0, _peakRss / 1048576.0);
    }
}
