using SecureMonitor.Sampling.Tests.Support;

namespace SecureMonitor.Sampling.Tests;

public sealed class HostSamplerTests : IDisposable
{
    private readonly FixtureProcRoot proc = new();
    private readonly ManualClock clock = new();

    public void Dispose() => proc.Dispose();

    [Fact]
    public void Every_collector_is_registered_explicitly_with_a_name_and_a_default()
    {
        Assert.Equal(["cpu", "memory", "load", "network", "tcp", "tcp_sockets"], HostSampler.Collectors.Select(c => c.Name));
        Assert.All(HostSampler.Collectors, c => Assert.False(string.IsNullOrWhiteSpace(c.Description)));
    }

    [Fact]
    public void The_first_sample_of_a_typical_host_has_levels_but_no_rates_yet_and_the_second_has_both()
    {
        proc.WithTypicalHost();
        HostSampler sampler = Create();

        SampleSet first = sampler.Sample();

        Assert.True(first.AllCollectorsSucceeded);
        Assert.Empty(first.Unsupported);
        Assert.Equal(4.32, first.Values[MetricNames.Load1]);
        Assert.Equal(0.0, first.Values[MetricNames.SwapUsed]);
        Assert.Equal(4.0, first.Values[MetricNames.TcpSynRecv]);
        Assert.False(first.Values.ContainsKey(MetricNames.CpuTotal));
        Assert.False(first.Values.ContainsKey("net.eth0.rx_bytes"));
        Assert.Equal(clock.GetUtcNow(), first.Timestamp);

        clock.Advance(TimeSpan.FromSeconds(1));
        proc.Write("stat", ProcSamples.StatTwoCores.Replace("cpu  174048 0 13415 120506", "cpu  174148 0 13415 120906", StringComparison.Ordinal));
        SampleSet second = sampler.Sample();

        Assert.Equal(20.0, second.Values[MetricNames.CpuTotal], precision: 9);
        Assert.Equal(0.0, second.Values["net.eth0.rx_bytes"]);
        Assert.Equal(0.0, second.Values[MetricNames.TcpListenOverflows]);
    }

    [Fact]
    public void A_malformed_file_fails_only_its_collector_and_the_others_still_report()
    {
        proc.WithTypicalHost();
        proc.Write("loadavg", "not a load average\n");

        SampleSet sample = Create().Sample();

        CollectorStatus load = Assert.Single(sample.Collectors, c => c.Name == "load");
        Assert.False(load.Succeeded);
        Assert.Contains("/proc/loadavg", load.Error);
        Assert.All(sample.Collectors.Where(c => c.Name != "load"), c => Assert.True(c.Succeeded));
        Assert.False(sample.Values.ContainsKey(MetricNames.Load1));
        Assert.DoesNotContain(MetricNames.Load1, sample.Unsupported);
        Assert.True(sample.Values.ContainsKey(MetricNames.MemoryUsed));
    }

    [Fact]
    public void A_missing_file_makes_its_metrics_unsupported_while_the_collectors_succeed()
    {
        proc.WithTypicalHost();
        proc.Delete("net/netstat");
        proc.Delete("meminfo");

        SampleSet sample = Create().Sample();

        Assert.True(sample.AllCollectorsSucceeded);
        Assert.Equal(
            new[] { MetricNames.MemoryUsed, MetricNames.SwapUsed, MetricNames.TcpListenOverflows, "tcp.listen_overflows_total",
                MetricNames.TcpListenDrops, "tcp.listen_drops_total", MetricNames.TcpSyncookiesSent, "tcp.syncookies_sent_total" }.Order(),
            sample.Unsupported.Order());
        Assert.Equal(15.0, sample.Values["tcp.retrans_segs_total"]);
    }

    [Fact]
    public void A_sampler_that_throws_is_recorded_with_its_error_and_duration_and_does_not_stop_the_next()
    {
        var sampler = new HostSampler([new ThrowingSampler(clock), new ConstantSampler()], clock);

        SampleSet sample = sampler.Sample();

        Assert.Equal(
            [new CollectorStatus("broken", false, TimeSpan.FromMilliseconds(3), "IOException: disk on fire"),
             new CollectorStatus("constant", true, TimeSpan.Zero, null)],
            sample.Collectors);
        Assert.Equal(42.0, sample.Values["constant.answer"]);
    }

    [Fact]
    public void Collectors_can_be_turned_off_by_name_and_an_unknown_name_is_refused()
    {
        HostSampler sampler = HostSampler.Create(new SamplingOptions { ProcRoot = proc.Path, Time = clock, Disable = new HashSet<string> { "tcp_sockets" } });

        Assert.DoesNotContain("tcp_sockets", sampler.CollectorNames);
        var error = Assert.Throws<ArgumentException>(() =>
            HostSampler.Create(new SamplingOptions { ProcRoot = proc.Path, Disable = new HashSet<string> { "tcpstat" } }));
        Assert.Contains("no collector named \"tcpstat\"", error.Message);
    }

    [Fact]
    public void Two_samplers_with_one_name_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new HostSampler([new ConstantSampler(), new ConstantSampler()], clock));
    }

    private HostSampler Create() => HostSampler.Create(new SamplingOptions { ProcRoot = proc.Path, Time = clock });

    private sealed class ThrowingSampler(ManualClock clock) : IMetricSampler
    {
        public string Name => "broken";

        public SamplerReading Read()
        {
            clock.Advance(TimeSpan.FromMilliseconds(3));
            throw new IOException("disk on fire");
        }
    }

    private sealed class ConstantSampler : IMetricSampler
    {
        public string Name => "constant";

        public SamplerReading Read()
        {
            var reading = new SamplerReading();
            reading.Add("constant.answer", 42);
            return reading;
        }
    }
}
