using System.Net;
using System.Net.Sockets;

namespace SecureMonitor.TestKit.Processes;

/// <summary>Free TCP ports on 127.0.0.1 for processes a test starts.</summary>
public static class LoopbackPort
{
    /// <summary>A port the system just handed out and released: free unless someone races for it.</summary>
    public static int Free()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    /// <summary>An HttpClient that talks to loopback directly, whatever proxy the environment names.</summary>
    public static HttpClient HttpClient() => new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false });
}
