using SecureMonitor.Sampling.Cpu;
using SecureMonitor.Sampling.ProcFs;
using SecureMonitor.Sampling.Tests.Support;

namespace SecureMonitor.Sampling.Tests.Cpu;

public class ProcStatParserTests
{
    [Fact]
    public void Parses_the_aggregate_line_and_every_core_of_a_four_core_proc_stat()
    {
        ProcStat stat = ProcStatParser.Parse(ProcSamples.StatFourCores);

        Assert.Equal(new CpuTimes(2255524, 4513, 735240, 38427013, 26411, 0, 31526, 0, 0, 0), stat.Total);
        Assert.Equal([0, 1, 2, 3], stat.Cores.Select(c => c.Core));
        Assert.Equal(new CpuTimes(564439, 1114, 183545, 9606418, 6491, 0, 4309, 0, 0, 0), stat.Cores[3].Times);
    }

    [Fact]
    public void Keeps_the_core_numbers_when_a_core_is_offline()
    {
        ProcStat stat = ProcStatParser.Parse("cpu  10 0 10 80\ncpu0 5 0 5 40\ncpu2 5 0 5 40\nintr 0\n");

        Assert.Equal([0, 2], stat.Cores.Select(c => c.Core));
    }

    [Fact]
    public void Reads_an_old_kernel_line_with_only_four_times_as_zero_for_the_rest()
    {
        ProcStat stat = ProcStatParser.Parse("cpu  100 2 30 400\ncpu0 100 2 30 400\n");

        Assert.Equal(new CpuTimes(100, 2, 30, 400, 0, 0, 0, 0, 0, 0), stat.Total);
    }

    [Fact]
    public void Busy_percent_counts_everything_but_idle_and_iowait_and_does_not_count_guest_twice()
    {
        var before = new CpuTimes(User: 100, Nice: 0, System: 50, Idle: 800, IoWait: 50, Irq: 0, SoftIrq: 0, Steal: 0, Guest: 0, GuestNice: 0);
        // +60 user (of which 20 guest), +20 system, +10 irq, +10 softirq, +80 idle, +20 iowait
        var after = new CpuTimes(160, 0, 70, 880, 70, 10, 10, 0, 20, 0);

        Assert.Equal(100.0 * 100 / 200, CpuTimes.BusyPercent(before, after));
    }

    [Fact]
    public void Busy_percent_ignores_a_counter_that_steps_back_as_psutil_does()
    {
        var before = new CpuTimes(100, 0, 0, 100, 50, 0, 0, 0, 0, 0);
        var after = new CpuTimes(150, 0, 0, 150, 40, 0, 0, 0, 0, 0); // iowait went backwards

        Assert.Equal(50.0, CpuTimes.BusyPercent(before, after));
    }

    [Fact]
    public void Busy_percent_has_no_value_when_no_jiffy_elapsed()
    {
        var times = new CpuTimes(1, 2, 3, 4, 5, 6, 7, 8, 0, 0);

        Assert.Null(CpuTimes.BusyPercent(times, times));
    }

    [Theory]
    [InlineData("intr 1 2 3\nctxt 5\n", "no aggregate \"cpu\" line")]
    [InlineData("cpu  1 2 3\n", "expected at least 4")]
    [InlineData("cpu  1 2 x 4\n", "not an unsigned integer")]
    [InlineData("cpu  1 2 3 4\ncpuX 1 2 3 4\n", "neither \"cpu\" nor \"cpuN\"")]
    [InlineData("", "no aggregate")]
    public void Rejects_malformed_input_with_a_message_naming_the_file_and_the_problem(string text, string problem)
    {
        var error = Assert.Throws<ProcFormatException>(() => ProcStatParser.Parse(text));

        Assert.StartsWith("/proc/stat: ", error.Message);
        Assert.Contains(problem, error.Message);
    }
}
