namespace SecureMonitor.Sampling.Memory;

/// <summary>
/// The /proc/meminfo fields the memory metrics need, in kB as the kernel prints them; null when
/// this kernel does not print the field.
/// </summary>
public readonly record struct MemInfo(
    ulong? MemTotal,
    ulong? MemFree,
    ulong? MemAvailable,
    ulong? Cached,
    ulong? ActiveFile,
    ulong? InactiveFile,
    ulong? SReclaimable,
    ulong? SwapTotal,
    ulong? SwapFree)
{
    /// <summary>
    /// % used as psutil's virtual_memory().percent: (total - available) / total * 100, with
    /// available from MemAvailable, or, on kernels before 3.14 that lack it, estimated the way
    /// psutil does (<paramref name="lowWatermarkPages"/> is the sum of the "low" lines of
    /// /proc/zoneinfo, null when that file is absent). Null when MemTotal is missing or 0.
    /// </summary>
    public double? UsedPercent(ulong? lowWatermarkPages, int pageSize)
    {
        if (MemTotal is not { } total || total == 0 || MemFree is not { } free)
        {
            return null;
        }

        double available = MemAvailable ?? EstimateAvailable(free, lowWatermarkPages, pageSize);
        if (available < 0)
        {
            available = 0;
        }

        if (available > total)
        {
            available = free; // psutil does the same: a broken MemAvailable is not trusted
        }

        return (total - available) * 100.0 / total;
    }

    /// <summary>% of swap used; 0 when there is no swap at all. Null when the fields are missing.</summary>
    public double? SwapUsedPercent()
    {
        if (SwapTotal is not { } total || SwapFree is not { } free)
        {
            return null;
        }

        return total == 0 ? 0.0 : (total - Math.Min(free, total)) * 100.0 / total;
    }

    /// <summary>Whether <see cref="UsedPercent"/> needs /proc/zoneinfo (kernels before 3.14).</summary>
    public bool NeedsZoneInfo => MemAvailable is null && ActiveFile is not null && InactiveFile is not null && SReclaimable is not null;

    // psutil's calculate_avail_vmem (the kernel's own MemAvailable formula of commit 34e431b0ae),
    // in kB; falls back to free + cached when a field or /proc/zoneinfo is missing.
    private double EstimateAvailable(ulong free, ulong? lowWatermarkPages, int pageSize)
    {
        double fallback = free + (Cached ?? 0);
        if (ActiveFile is not { } activeFile || InactiveFile is not { } inactiveFile
            || SReclaimable is not { } slabReclaimable || lowWatermarkPages is not { } lowPages)
        {
            return fallback;
        }

        double watermarkLow = lowPages * (double)pageSize / 1024;
        double pageCache = (double)activeFile + inactiveFile;
        double available = free - watermarkLow;
        available += pageCache - Math.Min(pageCache / 2, watermarkLow);
        available += slabReclaimable - Math.Min(slabReclaimable / 2.0, watermarkLow);
        return Math.Floor(available);
    }
}
