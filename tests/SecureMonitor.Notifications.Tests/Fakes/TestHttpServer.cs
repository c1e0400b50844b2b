using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace SecureMonitor.Notifications.Tests.Fakes;

internal sealed record RecordedRequest(string Method, string Path, string? ContentType, string? Authorization,
    string? IdempotencyKey, string Body);

/// <summary>
/// A real HTTP/1.1 server on 127.0.0.1 (a TcpListener on a free port, one connection per request:
/// it answers with <c>Connection: close</c>). Answers each request with the status its responder
/// returns (200 by default); a responder may hold the answer back. Small on purpose: it reads a
/// request line, headers and a Content-Length body, which is all HttpClient sends here.
/// </summary>
internal sealed class TestHttpServer : IAsyncDisposable
{
    private const int MaxHeaderBytes = 64 * 1024;

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<RecordedRequest> _arrivals = Channel.CreateUnbounded<RecordedRequest>();
    private readonly ConcurrentQueue<RecordedRequest> _all = new();
    private readonly ConcurrentDictionary<Task, bool> _connections = new();
    private readonly Func<RecordedRequest, Task<int>> _respond;
    private readonly Task _acceptLoop;

    public TestHttpServer(Func<RecordedRequest, Task<int>>? respond = null)
    {
        _respond = respond ?? (_ => Task.FromResult(200));
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/hooks/incidents");
        _acceptLoop = Task.Run(AcceptAsync);
    }

    /// <summary>Answers with the given statuses in turn, then 200.</summary>
    public static TestHttpServer Answering(params int[] statuses)
    {
        var queue = new ConcurrentQueue<int>(statuses);
        return new TestHttpServer(_ => Task.FromResult(queue.TryDequeue(out var status) ? status : 200));
    }

    public Uri Url { get; }

    public IReadOnlyList<RecordedRequest> Requests => [.. _all];

    public async Task<RecordedRequest> NextRequestAsync(TimeSpan bound) =>
        await _arrivals.Reader.ReadAsync().AsTask().WaitAsync(bound);

    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            var connection = ServeAsync(client);
            _connections[connection] = true;
            _ = connection.ContinueWith(done => _connections.TryRemove(done, out _), TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var head = await ReadHeadAsync(stream);
            var lines = head.Split("\r\n");
            var requestLine = lines[0].Split(' ');
            var headers = lines.Skip(1).Where(l => l.Contains(':'))
                .Select(l => (Name: l[..l.IndexOf(':')].Trim(), Value: l[(l.IndexOf(':') + 1)..].Trim()))
                .GroupBy(h => h.Name, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => g.First().Value, StringComparer.OrdinalIgnoreCase);
            var length = headers.TryGetValue("Content-Length", out var text) ? int.Parse(text) : 0;
            var body = new byte[length];
            await stream.ReadExactlyAsync(body, _stop.Token);
            var request = new RecordedRequest(requestLine[0], requestLine[1].Split('?')[0],
                headers.GetValueOrDefault("Content-Type"), headers.GetValueOrDefault("Authorization"),
                headers.GetValueOrDefault("Idempotency-Key"), Encoding.UTF8.GetString(body));
            _all.Enqueue(request);
            _arrivals.Writer.TryWrite(request);
            var status = await _respond(request).WaitAsync(_stop.Token);
            var response = Encoding.ASCII.GetBytes($"HTTP/1.1 {status} Test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            await stream.WriteAsync(response, _stop.Token);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away (a timeout test) or the server is stopping.
        }
    }

    private async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        // Byte by byte up to the blank line, so the body stays in the stream; requests here are tiny.
        var head = new List<byte>(1024);
        var one = new byte[1];
        while (head.Count < MaxHeaderBytes)
        {
            if (await stream.ReadAsync(one, _stop.Token) == 0)
            {
                throw new IOException("connection closed in the request head");
            }
            head.Add(one[0]);
            if (head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n')
            {
                return Encoding.ASCII.GetString([.. head]);
            }
        }
        throw new IOException("request head too large");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await Task.WhenAll([_acceptLoop, .. _connections.Keys]).WaitAsync(Bounds.Wait);
        _stop.Dispose();
    }
}
