using System.Net;
using System.Net.Sockets;
using SecureMonitor.Sampling.Tcp;

namespace SecureMonitor.Sampling.Tests.Tcp;

/// <summary>The netlink count against the tables it replaces, on this machine's own loopback.</summary>
public sealed class NetlinkSynRecvCounterTests
{
    [Fact]
    public void Netlink_counts_the_same_SYN_RECV_sockets_as_the_proc_tables_while_a_listener_is_swamped()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        // A listener that accepts nothing, with the smallest queue, and clients racing into it: requests whose
        // handshake could not be completed into the full queue wait in SYN_RECV (how many depends on timing).
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var clients = Enumerable.Range(0, 16).Select(_ => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false }).ToList();
        try
        {
            foreach (var client in clients)
            {
                try
                {
                    client.Connect(listener.LocalEndPoint!);
                }
                catch (SocketException error) when (error.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
                {
                }
            }

            var netlink = new NetlinkSynRecvCounter();
            Assert.True(netlink.TryCount(out var before), "netlink sock_diag is available to an unprivileged process on Linux");
            var tables = ReadTables();
            Assert.True(netlink.TryCount(out var after));
            // Requests come and go between the reads (SYN-ACKs are retried, clients give up): the tables' count
            // lies between the two netlink counts, give or take what changed in between.
            Assert.InRange(tables, Math.Min(before, after) - 2, Math.Max(before, after) + 2);
        }
        finally
        {
            clients.ForEach(client => client.Dispose());
        }
    }

    private static int ReadTables() =>
        (int)new TcpSocketStateSampler("/proc", time: null, refreshInterval: null, useNetlink: false).Read()
            .Values.Single(value => value.Key == MetricNames.TcpSynRecv).Value;
}
