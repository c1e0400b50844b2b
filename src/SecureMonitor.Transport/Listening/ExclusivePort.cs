using System.Net;
using System.Net.Sockets;

namespace SecureMonitor.Transport.Listening;

/// <summary>
/// Binds a port so that no other process can listen on it too. On Linux, .NET's
/// <see cref="SocketOptionName.ReuseAddress"/> sets SO_REUSEPORT as well as SO_REUSEADDR, and SO_REUSEPORT
/// lets a second process bind the same port and take a share of its connections (two monitors with
/// two databases, each seeing half the watchers). Here only SO_REUSEADDR is set, so a restarted node
/// can still bind over its old connections in TIME_WAIT, but a second listener is refused.
/// </summary>
public static class ExclusivePort
{
    private const int SolSocket = 1;    // Linux <asm-generic/socket.h>
    private const int SoReuseAddr = 2;

    /// <summary>A TCP socket bound to <paramref name="endpoint"/>, not yet listening.</summary>
    /// <param name="purpose">What the port is for, as the error should say it ("edge listener").</param>
    /// <exception cref="PortInUseException">Another socket holds the port.</exception>
    public static Socket Bind(IPEndPoint endpoint, string purpose)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (OperatingSystem.IsLinux())
            {
                socket.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
            }
            else if (OperatingSystem.IsWindows())
            {
                socket.ExclusiveAddressUse = true;
            }
            socket.Bind(endpoint);
            return socket;
        }
        catch (SocketException error) when (error.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            socket.Dispose();
            throw new PortInUseException(endpoint, purpose, error);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Checks that nothing listens on <paramref name="endpoint"/>, for a port another library
    /// binds with SO_REUSEPORT (Akka.Remote's DotNetty): a second node would otherwise share it silently.</summary>
    /// <exception cref="PortInUseException">Another socket holds the port.</exception>
    public static void EnsureFree(IPEndPoint endpoint, string purpose)
    {
        using var probe = Bind(endpoint, purpose);
    }
}

/// <summary>A port this node must listen on is taken (another monitor, or any other process).</summary>
public sealed class PortInUseException(IPEndPoint endpoint, string purpose, SocketException inner)
    : Exception($"port {endpoint.Port} on {endpoint.Address} ({purpose}) is already in use by another process " +
        $"({inner.SocketErrorCode}); is another monitor running there?", inner)
{
    public IPEndPoint Endpoint { get; } = endpoint;

    public string Purpose { get; } = purpose;
}
