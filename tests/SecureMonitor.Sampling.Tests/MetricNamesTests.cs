namespace SecureMonitor.Sampling.Tests;

public sealed class MetricNamesTests
{
    [Theory]
    [InlineData("cpu.total")]
    [InlineData("cpu.core.0")]
    [InlineData("cpu.core.63")]
    [InlineData("memory.used")]
    [InlineData("load.15")]
    [InlineData("tcp.syn_recv")]
    [InlineData("tcp.retrans_segs_total")]
    [InlineData("net.eth0.rx_bytes")]
    [InlineData("net.eth0.100.tx_packets_total")]
    public void Names_the_samplers_produce_are_known(string metric) => Assert.True(MetricNames.IsKnown(metric));

    [Theory]
    [InlineData("")]
    [InlineData("cpu")]
    [InlineData("cpu.totl")]
    [InlineData("cpu.core.01")]
    [InlineData("cpu.core.-1")]
    [InlineData("tcp.syn_recv_total")]
    [InlineData("net..rx_bytes")]
    [InlineData("net.eth0.rx_errors")]
    [InlineData("net.a-name-longer-than-15.rx_bytes")]
    [InlineData("net.et h0.rx_bytes")]
    public void Other_names_are_not(string metric) => Assert.False(MetricNames.IsKnown(metric));
}
