using SecureMonitor.Sampling.Tcp;
using SecureMonitor.Sampling.Tests.Support;

namespace SecureMonitor.Sampling.Tests.Tcp;

public sealed class TcpSamplerTests : IDisposable
{
    private readonly FixtureProcRoot proc = new();
    private readonly ManualClock clock = new();

    public void Dispose() => proc.Dispose();

    [Fact]
    public void Kernel_counters_become_exact_rates_per_second_on_the_second_reading()
    {
        var sampler = new TcpCountersSampler(proc.Path, clock);
        proc.Write("net/netstat", ProcSamples.Netstat(syncookiesSent: 0, listenOverflows: 100, listenDrops: 100));
        proc.Write("net/snmp", ProcSamples.SnmpWithRetransSegs(15));
        SamplerReading first = sampler.Read();

        Assert.DoesNotContain(first.Values, v => v.Key == MetricNames.TcpListenOverflows);
        Assert.Contains(first.Values, v => v.Key == "tcp.listen_overflows_total" && v.Value == 100);

        clock.Advance(TimeSpan.FromSeconds(4));
        proc.Write("net/netstat", ProcSamples.Netstat(syncookiesSent: 2000, listenOverflows: 700, listenDrops: 740));
        proc.Write("net/snmp", ProcSamples.SnmpWithRetransSegs(55));
        var values = sampler.Read().Values.ToDictionary();

        Assert.Equal(500.0, values[MetricNames.TcpSyncookiesSent]);
        Assert.Equal(150.0, values[MetricNames.TcpListenOverflows]);
        Assert.Equal(160.0, values[MetricNames.TcpListenDrops]);
        Assert.Equal(10.0, values[MetricNames.TcpRetransSegs]);
        Assert.Equal(55.0, values["tcp.retrans_segs_total"]);
    }

    [Fact]
    public void Failed_attempts_and_resets_sent_become_rates_per_second()
    {
        // A flood whose SYN-ACKs are answered with resets sends no cookies; these two counters are what moves.
        static string Snmp(int attemptFails, int outRsts) => ProcSamples.Snmp.Replace("Tcp: 1 200 120000 -1 122 76 0 8 0 9942 8688 15 0 80 0",
            $"Tcp: 1 200 120000 -1 122 76 {attemptFails} 8 0 9942 8688 15 0 {outRsts} 0", StringComparison.Ordinal);
        var sampler = new TcpCountersSampler(proc.Path, clock);
        proc.Write("net/netstat", ProcSamples.Netstat());
        proc.Write("net/snmp", Snmp(attemptFails: 10, outRsts: 80));
        sampler.Read();

        clock.Advance(TimeSpan.FromSeconds(2));
        proc.Write("net/snmp", Snmp(attemptFails: 240_010, outRsts: 240_080));
        var values = sampler.Read().Values.ToDictionary();

        Assert.Equal(120_000.0, values[MetricNames.TcpAttemptFails]);
        Assert.Equal(120_000.0, values[MetricNames.TcpOutRsts]);
        Assert.Equal(240_080.0, values["tcp.out_rsts_total"]);
        Assert.True(MetricNames.IsKnown(MetricNames.TcpAttemptFails) && MetricNames.IsKnown("tcp.out_rsts_total"));
    }

    [Fact]
    public void A_missing_proc_net_netstat_makes_only_its_counters_unsupported()
    {
        proc.Write("net/snmp", ProcSamples.Snmp);

        SamplerReading reading = new TcpCountersSampler(proc.Path, clock).Read();

        Assert.Contains(MetricNames.TcpListenOverflows, reading.Unsupported);
        Assert.Contains(MetricNames.TcpListenDrops, reading.Unsupported);
        Assert.Contains(MetricNames.TcpSyncookiesSent, reading.Unsupported);
        Assert.DoesNotContain(MetricNames.TcpRetransSegs, reading.Unsupported);
        Assert.Contains(reading.Values, v => v.Key == "tcp.retrans_segs_total" && v.Value == 15);
    }

    [Fact]
    public void A_counter_this_kernel_lacks_is_unsupported_not_zero()
    {
        proc.Write("net/netstat", ProcSamples.Netstat().Replace("SyncookiesSent ", "SomethingElse ", StringComparison.Ordinal));
        proc.Write("net/snmp", ProcSamples.Snmp);

        SamplerReading reading = new TcpCountersSampler(proc.Path, clock).Read();

        Assert.Contains(MetricNames.TcpSyncookiesSent, reading.Unsupported);
        Assert.DoesNotContain(reading.Values, v => v.Key.StartsWith(MetricNames.TcpSyncookiesSent, StringComparison.Ordinal));
    }

    [Fact]
    public void Counts_SYN_RECV_sockets_over_IPv4_and_IPv6()
    {
        proc.Write("net/tcp", ProcSamples.Tcp);
        proc.Write("net/tcp6", ProcSamples.Tcp6);

        var values = new TcpSocketStateSampler(proc.Path).Read().Values.ToDictionary();

        Assert.Equal(4.0, values[MetricNames.TcpSynRecv]);
    }

    [Fact]
    public void Counts_SYN_RECV_over_IPv4_alone_when_IPv6_is_disabled()
    {
        proc.Write("net/tcp", ProcSamples.Tcp);

        SamplerReading reading = new TcpSocketStateSampler(proc.Path).Read();

        Assert.Equal(3.0, reading.Values.ToDictionary()[MetricNames.TcpSynRecv]);
        Assert.Empty(reading.Unsupported);
    }

    [Fact]
    public void Streams_a_socket_table_far_larger_than_one_read_chunk()
    {
        var table = new System.Text.StringBuilder(ProcSamples.Tcp.Split('\n')[0]).Append('\n');
        for (int i = 0; i < 5000; i++)
        {
            string state = i % 7 == 0 ? "03" : "01";
            table.Append($"{i,4}: 0F02000A:0050 C6336417:{i:X4} {state} 00000000:00000000 01:00000064 00000000     0        0 0 0 0000000000000000\n");
        }

        proc.Write("net/tcp", table.ToString());

        var values = new TcpSocketStateSampler(proc.Path).Read().Values.ToDictionary();

        Assert.True(table.Length > 64 * 1024 * 5);
        Assert.Equal((5000 + 6) / 7, values[MetricNames.TcpSynRecv]);
    }

    [Fact]
    public void The_socket_tables_are_read_again_only_after_the_refresh_interval()
    {
        var clock = new ManualClock();
        proc.Write("net/tcp", ProcSamples.Tcp);
        var sampler = new TcpSocketStateSampler(proc.Path, clock, TimeSpan.FromSeconds(10));
        Assert.Equal(3.0, sampler.Read().Values.ToDictionary()[MetricNames.TcpSynRecv]);

        proc.Write("net/tcp6", ProcSamples.Tcp6); // one more SYN_RECV socket appears
        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(3.0, sampler.Read().Values.ToDictionary()[MetricNames.TcpSynRecv]);

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(4.0, sampler.Read().Values.ToDictionary()[MetricNames.TcpSynRecv]);
    }

    [Fact]
    public void Missing_socket_tables_make_SYN_RECV_unsupported()
    {
        Assert.Equal([MetricNames.TcpSynRecv], new TcpSocketStateSampler(proc.Path).Read().Unsupported);
    }
}
