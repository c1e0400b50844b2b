using SecureMonitor.Sampling.ProcFs;
using SecureMonitor.Sampling.Tcp;
using SecureMonitor.Sampling.Tests.Support;

namespace SecureMonitor.Sampling.Tests.Tcp;

public class TcpParserTests
{
    [Fact]
    public void Finds_RetransSegs_in_the_Tcp_section_of_proc_net_snmp()
    {
        Assert.Equal(15UL, SnmpCounterParser.Find(ProcSamples.Snmp, "Tcp", "RetransSegs"));
    }

    [Fact]
    public void Finds_the_listen_and_syncookie_counters_in_the_TcpExt_section_of_proc_net_netstat()
    {
        string netstat = ProcSamples.Netstat(syncookiesSent: 7, listenOverflows: 1234, listenDrops: 1240);

        Assert.Equal(7UL, SnmpCounterParser.Find(netstat, "TcpExt", "SyncookiesSent", "/proc/net/netstat"));
        Assert.Equal(1234UL, SnmpCounterParser.Find(netstat, "TcpExt", "ListenOverflows", "/proc/net/netstat"));
        Assert.Equal(1240UL, SnmpCounterParser.Find(netstat, "TcpExt", "ListenDrops", "/proc/net/netstat"));
    }

    [Fact]
    public void Does_not_mistake_a_section_for_another_that_starts_with_the_same_name()
    {
        // "TcpExt:" must not match a search for "Tcp", nor "Tcp:" one for "TcpExt".
        Assert.Null(SnmpCounterParser.Find(ProcSamples.Netstat(), "Tcp", "ListenDrops"));
        Assert.Null(SnmpCounterParser.Find(ProcSamples.Snmp, "TcpExt", "RetransSegs"));
    }

    [Fact]
    public void Reports_a_counter_this_kernel_does_not_have_as_absent_not_zero()
    {
        Assert.Null(SnmpCounterParser.Find(ProcSamples.Snmp, "Tcp", "NoSuchCounter"));
    }

    [Theory]
    [InlineData("Tcp: RtoAlgorithm RetransSegs\n", "no values line")]
    [InlineData("Tcp: RtoAlgorithm RetransSegs\nUdp: 1 2\n", "is not its values")]
    [InlineData("Tcp: RtoAlgorithm RetransSegs\nTcp: 1\n", "fewer values than names")]
    [InlineData("Tcp: RtoAlgorithm RetransSegs\nTcp: 1 many\n", "not an unsigned integer")]
    public void Rejects_a_section_whose_names_and_values_do_not_pair_up(string text, string problem)
    {
        var error = Assert.Throws<ProcFormatException>(() => SnmpCounterParser.Find(text, "Tcp", "RetransSegs"));

        Assert.StartsWith("/proc/net/snmp: ", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Counts_the_SYN_RECV_rows_of_proc_net_tcp_and_tcp6()
    {
        Assert.Equal(3, TcpSocketTableParser.CountInState(ProcSamples.Tcp, TcpState.SynRecv));
        Assert.Equal(1, TcpSocketTableParser.CountInState(ProcSamples.Tcp6, TcpState.SynRecv, "/proc/net/tcp6"));
        Assert.Equal(2, TcpSocketTableParser.CountInState(ProcSamples.Tcp, TcpState.Listen));
        Assert.Equal(2, TcpSocketTableParser.CountInState(ProcSamples.Tcp6, TcpState.TimeWait, "/proc/net/tcp6"));
    }

    [Fact]
    public void Counts_nothing_in_a_table_with_only_its_header()
    {
        Assert.Equal(0, TcpSocketTableParser.CountInState(ProcSamples.Tcp.Split('\n')[0] + "\n", TcpState.SynRecv));
    }

    [Theory]
    [InlineData("   0 00000000:0050 00000000:0000 0A 00000000:00000000\n")]
    [InlineData("   0: 00000000:0050 00000000:0000 ZZ 00000000:00000000\n")]
    [InlineData("   0: 00000000:0050\n")]
    public void Rejects_a_row_that_is_not_slot_addresses_and_hex_state(string text)
    {
        var error = Assert.Throws<ProcFormatException>(() => TcpSocketTableParser.CountInState(text, TcpState.SynRecv));

        Assert.StartsWith("/proc/net/tcp: ", error.Message);
    }
}
