using SecureMonitor.Sampling.Network;
using SecureMonitor.Sampling.ProcFs;
using SecureMonitor.Sampling.Tests.Support;

namespace SecureMonitor.Sampling.Tests.Network;

public class NetDevParserTests
{
    [Fact]
    public void Parses_every_interface_including_loopback_and_names_longer_than_the_column()
    {
        var interfaces = NetDevParser.Parse(ProcSamples.NetDev);

        Assert.Equal(["lo", "ifb0", "eth0", "docker0", "veth3f1c2a0"], interfaces.Select(i => i.Name));
        Assert.Equal(new InterfaceCounters("eth0", RxBytes: 150943006, RxPackets: 6037, TxBytes: 376769, TxPackets: 4802), interfaces[2]);
        Assert.Equal(new InterfaceCounters("veth3f1c2a0", 2622088, 31034, 83703143, 41102), interfaces[4]);
    }

    [Fact]
    public void Interns_interface_names_so_that_each_is_one_string()
    {
        var names = new InterfaceNameTable();
        var first = new List<InterfaceCounters>();
        var second = new List<InterfaceCounters>();

        NetDevParser.ParseInto(System.Text.Encoding.UTF8.GetBytes(ProcSamples.NetDev), first, names);
        NetDevParser.ParseInto(System.Text.Encoding.UTF8.GetBytes(ProcSamples.NetDev), second, names);

        Assert.Same(first[2].Name, second[2].Name);
    }

    [Theory]
    [InlineData("  eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n", "15 counters; expected 16")]
    [InlineData("  eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 x\n", "not an unsigned integer")]
    [InlineData("    : 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n", "name is empty")]
    [InlineData("something else entirely\n", "neither a header")]
    public void Rejects_malformed_input_with_a_message_naming_the_file(string line, string problem)
    {
        var error = Assert.Throws<ProcFormatException>(() => NetDevParser.Parse(line));

        Assert.StartsWith("/proc/net/dev: ", error.Message);
        Assert.Contains(problem, error.Message);
    }
}
