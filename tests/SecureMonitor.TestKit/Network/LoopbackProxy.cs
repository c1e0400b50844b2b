using System.Net;
using System.Net.Sockets;

namespace SecureMonitor.TestKit.Network;

/// <summary>
/// A TCP relay on 127.0.0.1 in front of a server, to cut one client off from it as a network
/// partition would: <see cref="Partition"/> stops relaying in both directions and leaves every
/// connection, old and new, open but silent, so the client sees its calls hang rather than fail fast.
/// <see cref="Heal"/> closes the silent connections and relays again.
/// </summary>
public sealed class LoopbackProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly List<Socket> _sockets = [];
    private readonly Task _accepting;
    private volatile bool _partitioned;

    public LoopbackProxy(IPEndPoint target)
    {
        _target = target;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public void Partition() => _partitioned = true;

    public void Heal()
    {
        _partitioned = false;
        CloseAll();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception error) when (error is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            Track(client);
            if (_partitioned)
            {
                continue; // accepted and then ignored: the client's handshake hangs
            }
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Track(server);
        try
        {
            await server.ConnectAsync(_target, _stopping.Token);
            await Task.WhenAll(PumpAsync(client, server), PumpAsync(server, client));
        }
        catch (Exception error) when (error is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            client.Dispose();
            server.Dispose();
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var read = await from.ReceiveAsync(buffer, _stopping.Token);
            if (read == 0)
            {
                to.Shutdown(SocketShutdown.Send);
                return;
            }
            // Partitioned: bytes are swallowed, nothing arrives, nothing is refused.
            while (_partitioned && !_stopping.IsCancellationRequested)
            {
                read = await from.ReceiveAsync(buffer, _stopping.Token);
                if (read == 0)
                {
                    return;
                }
            }
            await to.SendAsync(buffer.AsMemory(0, read), _stopping.Token);
        }
    }

    private void Track(Socket socket)
    {
        lock (_gate)
        {
            _sockets.Add(socket);
        }
    }

    private void CloseAll()
    {
        lock (_gate)
        {
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }
            _sockets.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        CloseAll();
        await _accepting;
        _stopping.Dispose();
    }
}
