using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using SecureMonitor.Notifications;

namespace SecureMonitor.Simulation.Observation;

/// <summary>
/// Receives the monitor's incident webhook (<c>monitor.notify.webhook-url</c>) on a loopback address
/// and keeps what it was told: each incident's latest state and everything its notifications named.
/// Only for a monitor the simulator started itself or one its operator pointed here: it listens on
/// 127.0.0.0/8 only, and with a bearer token (<c>monitor.notify.webhook-token</c>) it ignores any
/// request that does not carry it, so no other local process can feed it made-up incidents.
/// </summary>
/// <remarks>
/// A deliberately small HTTP/1.1 server (no ASP.NET in this assembly): requests with a
/// Content-Length body, keep-alive, heads up to 16 KiB and bodies up to 1 MiB; anything else is
/// answered 400 and the connection closed. A delivered notification is answered 204, a refused
/// token 401 (the monitor's webhook channel does not retry a 401).
/// </remarks>
public sealed class WebhookIncidentReceiver : MonitorObserver
{
    private const int MaxHeadBytes = 16 * 1024;
    private const int MaxBodyBytes = 1024 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly TcpListener _listener;
    private readonly string? _token;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, IncidentSighting> _incidents = new(StringComparer.Ordinal);
    private readonly List<Task> _connections = [];
    private readonly Task _acceptLoop;
    private long _refused;
    private int _disposed;

    private WebhookIncidentReceiver(TcpListener listener, string? token)
    {
        _listener = listener;
        _token = token;
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>Starts listening on <paramref name="endpoint"/> (default 127.0.0.1, a free port).</summary>
    /// <param name="token">The bearer token the monitor must send; null accepts any local request.</param>
    public static WebhookIncidentReceiver Start(IPEndPoint? endpoint = null, string? token = null)
    {
        endpoint ??= new IPEndPoint(IPAddress.Loopback, 0);
        if (!IPAddress.IsLoopback(endpoint.Address))
        {
            throw new ArgumentException($"the incident webhook receiver listens on loopback addresses only, not {endpoint.Address}", nameof(endpoint));
        }
        var listener = new TcpListener(endpoint);
        listener.Start();
        return new WebhookIncidentReceiver(listener, token);
    }

    /// <summary>A random token for <see cref="Start"/> (hex, 256 bits).</summary>
    public static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>The URL to configure as the monitor's webhook.</summary>
    public Uri Url => new($"http://{Endpoint.Address}:{Endpoint.Port}/incidents");

    /// <summary>Requests ignored for a missing or wrong token, or refused as malformed.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Raised for every notification accepted, on the receiver's own task.</summary>
    public event Action<IncidentNotification>? NotificationReceived;

    public override IReadOnlyList<string> Sources => [$"incidents: the monitor's webhook, received at {Url}"];

    protected override string Name => "the incident webhook receiver";

    public override Task<Observation<IReadOnlyList<IncidentSighting>>> IncidentsAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(Observation<IReadOnlyList<IncidentSighting>>.Of([.. _incidents.Values.OrderBy(incident => incident.OpenedAt)]));
        }
    }

    /// <summary>Takes one notification into account (what an accepted POST does).</summary>
    internal void Record(IncidentNotification notification)
    {
        lock (_gate)
        {
            var change = notification.Change.ToString().ToLowerInvariant();
            _incidents[notification.IncidentId] = _incidents.TryGetValue(notification.IncidentId, out var known)
                ? known with
                {
                    State = notification.ChangedAt >= known.LastChangedAt ? Lower(notification.State) : known.State,
                    Severity = notification.Severity == IncidentNotification.SeverityCritical ? notification.Severity : known.Severity,
                    Kinds = known.Kinds.Union(notification.Kinds).ToHashSet(StringComparer.Ordinal),
                    Hosts = known.Hosts.Union(notification.Hosts).ToHashSet(StringComparer.Ordinal),
                    Metrics = Merge(known.Metrics, notification.Metrics),
                    Changes = [.. known.Changes, change],
                    Title = notification.Title,
                    Summary = notification.Summary,
                    LastChangedAt = notification.ChangedAt > known.LastChangedAt ? notification.ChangedAt : known.LastChangedAt,
                }
                : new IncidentSighting(notification.IncidentId, Lower(notification.State), notification.Severity,
                    notification.Kinds.ToHashSet(StringComparer.Ordinal), notification.Hosts.ToHashSet(StringComparer.Ordinal),
                    new Dictionary<string, double>(notification.Metrics), [change], notification.Title, notification.Summary,
                    notification.OpenedAt, notification.ChangedAt);
        }
        NotificationReceived?.Invoke(notification);
    }

    private static string Lower<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    private static Dictionary<string, double> Merge(IReadOnlyDictionary<string, double> known, IReadOnlyDictionary<string, double> more)
    {
        var merged = new Dictionary<string, double>(known);
        foreach (var (metric, value) in more)
        {
            merged[metric] = Math.Max(value, merged.GetValueOrDefault(metric, double.MinValue));
        }
        return merged;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception error) when (error is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            lock (_gate)
            {
                _connections.RemoveAll(task => task.IsCompleted);
                _connections.Add(ServeAsync(socket));
            }
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        var buffer = new byte[MaxHeadBytes];
        var filled = 0;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                // The head: up to the blank line.
                int headEnd;
                while ((headEnd = IndexOfBlankLine(buffer.AsSpan(0, filled))) < 0)
                {
                    if (filled == buffer.Length)
                    {
                        await RespondAsync(stream, 400, close: true);
                        return;
                    }
                    var read = await stream.ReadAsync(buffer.AsMemory(filled), _stop.Token);
                    if (read == 0)
                    {
                        return;
                    }
                    filled += read;
                }
                var head = Encoding.ASCII.GetString(buffer, 0, headEnd);
                var consumed = headEnd + 4;
                if (!TryParseHead(head, out var method, out var length, out var authorization, out var close) || length > MaxBodyBytes)
                {
                    Interlocked.Increment(ref _refused);
                    await RespondAsync(stream, 400, close: true);
                    return;
                }

                // The body: what came with the head, then the rest.
                var body = new byte[length];
                var fromBuffer = Math.Min(length, filled - consumed);
                Array.Copy(buffer, consumed, body, 0, fromBuffer);
                Array.Copy(buffer, consumed + fromBuffer, buffer, 0, filled - consumed - fromBuffer);
                filled -= consumed + fromBuffer;
                if (fromBuffer < length)
                {
                    await stream.ReadExactlyAsync(body.AsMemory(fromBuffer), _stop.Token);
                }

                await RespondAsync(stream, Handle(method, authorization, body), close);
                if (close)
                {
                    return;
                }
            }
        }
        catch (Exception error) when (error is IOException or OperationCanceledException or SocketException or EndOfStreamException or ObjectDisposedException)
        {
            // The monitor hung up, or the receiver is stopping.
        }
    }

    private int Handle(string method, string? authorization, byte[] body)
    {
        if (_token is not null && !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(authorization ?? ""), Encoding.UTF8.GetBytes($"Bearer {_token}")))
        {
            Interlocked.Increment(ref _refused);
            return 401;
        }
        if (!string.Equals(method, "POST", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _refused);
            return 405;
        }
        IncidentNotification? notification;
        try
        {
            notification = JsonSerializer.Deserialize<IncidentNotification>(body, Json);
            notification?.Validate();
        }
        catch (Exception error) when (error is JsonException or ArgumentException or NotSupportedException)
        {
            notification = null;
        }
        if (notification is null)
        {
            Interlocked.Increment(ref _refused);
            return 400;
        }
        Record(notification);
        return 204;
    }

    private static bool TryParseHead(string head, out string method, out int length, out string? authorization, out bool close)
    {
        method = "";
        length = 0;
        authorization = null;
        close = false;
        var lines = head.Split("\r\n");
        var requestLine = lines[0].Split(' ');
        if (requestLine.Length != 3 || !requestLine[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            return false;
        }
        method = requestLine[0];
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                return false;
            }
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                if (!int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out length))
                {
                    return false;
                }
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                return false; // chunked bodies are not supported; the monitor sends a length
            }
            else if (name.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            {
                authorization = value;
            }
            else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                close = value.Equals("close", StringComparison.OrdinalIgnoreCase);
            }
        }
        return true;
    }

    private static int IndexOfBlankLine(ReadOnlySpan<byte> bytes) => bytes.IndexOf("\r\n\r\n"u8);

    private async Task RespondAsync(NetworkStream stream, int status, bool close)
    {
        var reason = status switch { 204 => "No Content", 401 => "Unauthorized", 405 => "Method Not Allowed", _ => "Bad Request" };
        var response = $"HTTP/1.1 {status} {reason}\r\nContent-Length: 0\r\n{(close ? "Connection: close\r\n" : "")}\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(response), _stop.Token);
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await _stop.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        Task[] connections;
        lock (_gate)
        {
            connections = [.. _connections];
        }
        await Task.WhenAll(connections);
        _stop.Dispose();
        await base.DisposeAsync();
    }
}
