using System.Net;
using System.Net.Sockets;
using SecureMonitor.TestKit.Processes;
using SecureMonitor.Transport.Listening;

namespace SecureMonitor.Monitor.Tests.Listener;

/// <summary>
/// Two monitors must never share a port: on Linux, .NET's ReuseAddress also sets SO_REUSEPORT, which
/// let a second monitor start on a port in use and take half its connections. Both the edge port and
/// the cluster port are checked.
/// </summary>
public sealed class ExclusivePortTests(ITestOutputHelper output) : MonitorTestBase(output)
{
    [Fact]
    public async Task A_second_monitor_on_the_edge_port_of_a_running_one_fails_naming_the_port()
    {
        var first = await StartMonitorWithWatchersAsync("web-01");

        var refused = await Assert.ThrowsAsync<PortInUseException>(() =>
            StartMonitorAsync(NewPki(["web-01"]), new MonitorHarnessOptions { Port = first.Endpoint.Port }));

        Assert.Equal(first.Endpoint.Port, refused.Endpoint.Port);
        Assert.Contains($"port {first.Endpoint.Port}", refused.Message);
        Assert.Contains("edge listener", refused.Message);
        // The first one still has the port to itself and serves.
        await AssertServesAGoodWatcherAsync(first, "web-01");
    }

    [Fact]
    public async Task A_second_monitor_on_the_cluster_port_of_a_running_one_fails_naming_the_port()
    {
        var clusterPort = LoopbackPort.Free();
        var first = await StartMonitorAsync(NewPki(["web-01"]), new MonitorHarnessOptions { ClusterPort = clusterPort });

        var refused = await Assert.ThrowsAsync<PortInUseException>(() =>
            StartMonitorAsync(NewPki(["web-01"]), new MonitorHarnessOptions { ClusterPort = clusterPort }));

        Assert.Equal(clusterPort, refused.Endpoint.Port);
        Assert.Contains("cluster endpoint", refused.Message);
        await AssertServesAGoodWatcherAsync(first, "web-01");
    }

    [Fact]
    public void A_port_bound_with_dotnets_ReuseAddress_is_still_refused()
    {
        // What a second monitor of the old kind (or Akka's DotNetty) does: ReuseAddress = SO_REUSEADDR + SO_REUSEPORT.
        using var sharing = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        sharing.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        sharing.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        sharing.Listen();

        Assert.Throws<PortInUseException>(() => ExclusivePort.Bind((IPEndPoint)sharing.LocalEndPoint!, "edge listener").Dispose());
    }

    [Fact]
    public void A_port_bound_exclusively_cannot_be_shared_by_a_ReuseAddress_socket()
    {
        using var exclusive = ExclusivePort.Bind(new IPEndPoint(IPAddress.Loopback, 0), "edge listener");
        exclusive.Listen();
        using var second = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        second.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);

        var error = Assert.Throws<SocketException>(() => second.Bind(exclusive.LocalEndPoint!));
        Assert.Equal(SocketError.AddressAlreadyInUse, error.SocketErrorCode);
    }
}
