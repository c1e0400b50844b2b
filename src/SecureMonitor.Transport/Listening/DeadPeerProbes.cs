using System.Net.Sockets;

namespace SecureMonitor.Transport.Listening;

/// <summary>
/// TCP keepalive on accepted connections, for the sessions the idle timeout spares (a console watching
/// <c>tail</c> while nothing happens): when such a peer's machine dies or its network goes away, no
/// frame and no FIN will ever come, and only probes find out. After the idle timeout without traffic
/// the kernel probes every <see cref="ProbeInterval"/>; <see cref="Probes"/> unanswered probes end the
/// connection, and the session's read fails.
/// </summary>
public static class DeadPeerProbes
{
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(10);
    public const int Probes = 3;

    public static void Enable(Socket socket, TimeSpan idleTimeout)
    {
        var idle = idleTimeout == Timeout.InfiniteTimeSpan ? TimeSpan.FromMinutes(10) : idleTimeout;
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, (int)Math.Max(1, idle.TotalSeconds));
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, (int)ProbeInterval.TotalSeconds);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, Probes);
        }
        catch (SocketException)
        {
            // The peer is already gone; the handshake will find out.
        }
    }
}
