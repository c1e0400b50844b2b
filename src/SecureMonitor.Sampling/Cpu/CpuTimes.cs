namespace SecureMonitor.Sampling.Cpu;

/// <summary>
/// Jiffies spent in each state, from one "cpu" line of /proc/stat. Fields an older kernel does not
/// print are 0. Guest time is already counted in user and nice, so it is not added again.
/// </summary>
public readonly record struct CpuTimes(
    ulong User,
    ulong Nice,
    ulong System,
    ulong Idle,
    ulong IoWait,
    ulong Irq,
    ulong SoftIrq,
    ulong Steal,
    ulong Guest,
    ulong GuestNice)
{
    /// <summary>
    /// % busy between two readings, computed as psutil's cpu_percent(interval=None): each field's
    /// delta is clamped at 0 (counters can step back on some kernels), total excludes guest time,
    /// busy = total - idle - iowait. Null when no jiffy elapsed (nothing to divide by).
    /// </summary>
    public static double? BusyPercent(in CpuTimes previous, in CpuTimes current)
    {
        ulong busy = Delta(previous.User, current.User)
            + Delta(previous.Nice, current.Nice)
            + Delta(previous.System, current.System)
            + Delta(previous.Irq, current.Irq)
            + Delta(previous.SoftIrq, current.SoftIrq)
            + Delta(previous.Steal, current.Steal);
        ulong total = busy + Delta(previous.Idle, current.Idle) + Delta(previous.IoWait, current.IoWait);
        return total == 0 ? null : busy * 100.0 / total;
    }

    private static ulong Delta(ulong previous, ulong current) => current > previous ? current - previous : 0;
}

/// <summary>The times of one core ("cpuN" line); offline cores are absent, so N is kept.</summary>
public readonly record struct CpuCoreTimes(int Core, CpuTimes Times);
