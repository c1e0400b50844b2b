using SecureMonitor.Sampling.Network;
using SecureMonitor.Sampling.Tests.Support;

namespace SecureMonitor.Sampling.Tests.Network;

public sealed class NetworkSamplerTests : IDisposable
{
    private const string Header = "Inter-|   Receive                                                |  Transmit\n"
        + " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n";

    private readonly FixtureProcRoot proc = new();
    private readonly ManualClock clock = new();

    public void Dispose() => proc.Dispose();

    [Fact]
    public void Rates_are_counter_deltas_divided_by_the_seconds_between_readings()
    {
        var sampler = new NetworkSampler(proc.Path, clock);
        proc.Write("net/dev", Header + Line("lo", 1000, 10, 1000, 10) + Line("eth0", 5_000_000, 4000, 200_000, 1500));
        SamplerReading first = sampler.Read();

        Assert.DoesNotContain(first.Values, v => v.Key == "net.eth0.rx_bytes");
        Assert.Contains(first.Values, v => v.Key == "net.eth0.rx_bytes_total" && v.Value == 5_000_000);

        clock.Advance(TimeSpan.FromSeconds(2));
        proc.Write("net/dev", Header + Line("lo", 1000, 10, 1000, 10) + Line("eth0", 6_000_000, 4800, 260_000, 1700));
        var values = sampler.Read().Values.ToDictionary();

        Assert.Equal(500_000.0, values["net.eth0.rx_bytes"]);
        Assert.Equal(400.0, values["net.eth0.rx_packets"]);
        Assert.Equal(30_000.0, values["net.eth0.tx_bytes"]);
        Assert.Equal(100.0, values["net.eth0.tx_packets"]);
        Assert.Equal(6_000_000.0, values["net.eth0.rx_bytes_total"]);
        Assert.Equal(0.0, values["net.lo.rx_bytes"]);
    }

    [Fact]
    public void An_interface_recreated_with_lower_counters_gets_no_rate_rather_than_a_negative_one()
    {
        var sampler = new NetworkSampler(proc.Path, clock);
        proc.Write("net/dev", Header + Line("veth0", 9000, 90, 9000, 90));
        sampler.Read();
        clock.Advance(TimeSpan.FromSeconds(1));
        proc.Write("net/dev", Header + Line("veth0", 100, 1, 100, 1));

        var values = sampler.Read().Values.ToDictionary();

        Assert.False(values.ContainsKey("net.veth0.rx_bytes"));
        Assert.Equal(100.0, values["net.veth0.rx_bytes_total"]);
    }

    [Fact]
    public void An_interface_that_vanishes_and_returns_starts_again_without_a_stale_rate()
    {
        var sampler = new NetworkSampler(proc.Path, clock);
        proc.Write("net/dev", Header + Line("eth0", 0, 0, 0, 0) + Line("tun0", 0, 0, 0, 0));
        sampler.Read();
        clock.Advance(TimeSpan.FromSeconds(1));
        proc.Write("net/dev", Header + Line("eth0", 10, 1, 10, 1));
        sampler.Read();
        clock.Advance(TimeSpan.FromSeconds(1));
        proc.Write("net/dev", Header + Line("eth0", 20, 2, 20, 2) + Line("tun0", 5000, 5, 5000, 5));

        var values = sampler.Read().Values.ToDictionary();

        Assert.Equal(10.0, values["net.eth0.rx_bytes"]);
        Assert.False(values.ContainsKey("net.tun0.rx_bytes"));
    }

    [Fact]
    public void A_missing_proc_net_dev_makes_every_interface_metric_unsupported()
    {
        SamplerReading reading = new NetworkSampler(proc.Path, clock).Read();

        Assert.Equal([MetricNames.AnyInterface], reading.Unsupported);
    }

    private static string Line(string name, ulong rxBytes, ulong rxPackets, ulong txBytes, ulong txPackets)
        => $"{name,6}: {rxBytes,8} {rxPackets,7}    0    0    0     0          0         0 {txBytes,8} {txPackets,7}    0    0    0     0       0          0\n";
}
