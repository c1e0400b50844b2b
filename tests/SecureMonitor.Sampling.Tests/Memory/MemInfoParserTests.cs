using SecureMonitor.Sampling.Memory;
using SecureMonitor.Sampling.ProcFs;
using SecureMonitor.Sampling.Tests.Support;

namespace SecureMonitor.Sampling.Tests.Memory;

public class MemInfoParserTests
{
    [Fact]
    public void Parses_the_fields_the_memory_metrics_need_from_a_6_1_kernel()
    {
        MemInfo info = MemInfoParser.Parse(ProcSamples.MemInfo);

        Assert.Equal(24731708UL, info.MemTotal);
        Assert.Equal(22144928UL, info.MemFree);
        Assert.Equal(24226808UL, info.MemAvailable);
        Assert.Equal(1996056UL, info.Cached);
        Assert.Equal(895012UL, info.ActiveFile);
        Assert.Equal(1320520UL, info.InactiveFile);
        Assert.Equal(162508UL, info.SReclaimable);
        Assert.Equal(0UL, info.SwapTotal);
        Assert.Equal(0UL, info.SwapFree);
    }

    [Fact]
    public void Memory_used_is_total_minus_available_over_total_as_psutil_computes_it()
    {
        MemInfo info = MemInfoParser.Parse(ProcSamples.MemInfo);

        double expected = (24731708.0 - 24226808.0) * 100 / 24731708.0;
        Assert.Equal(expected, info.UsedPercent(lowWatermarkPages: null, pageSize: 4096)!.Value, precision: 9);
    }

    [Fact]
    public void Swap_used_is_zero_percent_on_a_host_without_swap()
    {
        Assert.Equal(0.0, MemInfoParser.Parse(ProcSamples.MemInfo).SwapUsedPercent());
    }

    [Fact]
    public void Without_MemAvailable_estimates_available_memory_from_zoneinfo_watermarks_as_psutil_does()
    {
        MemInfo info = MemInfoParser.Parse(ProcSamples.MemInfoWithoutMemAvailable);
        ulong lowPages = ZoneInfoParser.SumLowWatermarkPages(ProcSamples.ZoneInfo);

        Assert.Equal(50UL + 10227 + 10840, lowPages);
        // psutil's calculate_avail_vmem, in kB: watermark = 21117 pages * 4 kB = 84468
        double watermark = 21117 * 4.0;
        double available = 1000000 - watermark
            + (2000000 - Math.Min(2000000 / 2.0, watermark))
            + (200000 - Math.Min(200000 / 2.0, watermark));
        double expected = (8000000 - Math.Floor(available)) * 100 / 8000000;
        Assert.Equal(expected, info.UsedPercent(lowPages, pageSize: 4096)!.Value, precision: 9);
        Assert.Equal(25.0, info.SwapUsedPercent());
    }

    [Fact]
    public void Without_MemAvailable_or_zoneinfo_falls_back_to_free_plus_cached()
    {
        MemInfo info = MemInfoParser.Parse(ProcSamples.MemInfoWithoutMemAvailable);

        Assert.Equal((8000000.0 - 3000000) * 100 / 8000000, info.UsedPercent(lowWatermarkPages: null, pageSize: 4096));
    }

    [Fact]
    public void Has_no_memory_percentage_when_MemTotal_is_missing()
    {
        MemInfo info = MemInfoParser.Parse("MemFree: 100 kB\nMemAvailable: 100 kB\n");

        Assert.Null(info.UsedPercent(null, 4096));
        Assert.Null(info.SwapUsedPercent());
    }

    [Theory]
    [InlineData("MemTotal: lots kB\n", "not an unsigned integer")]
    [InlineData("MemTotal:\n", "has no value")]
    [InlineData("garbage line\n", "no \"name:\"")]
    public void Rejects_malformed_input_with_a_message_naming_the_file(string text, string problem)
    {
        var error = Assert.Throws<ProcFormatException>(() => MemInfoParser.Parse(text));

        Assert.StartsWith("/proc/meminfo: ", error.Message);
        Assert.Contains(problem, error.Message);
    }
}
