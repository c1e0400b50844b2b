using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using SecureMonitor.Pki;
using SecureMonitor.Transport;
using SecureMonitor.Transport.Client;

namespace SecureMonitor.Benchmarks.Soak;

/// <summary>What the hostile client tries, in turn.</summary>
internal enum HostileKind
{
    /// <summary>Random bytes instead of a ClientHello, then close.</summary>
    Junk,

    /// <summary>A real TLS 1.3 ClientHello, then silence: left for the monitor's handshake timeout.</summary>
    HalfHandshake,

    /// <summary>A plain TCP connection that never says anything.</summary>
    Idle,

    /// <summary>A full TLS handshake with a client certificate from a foreign CA.</summary>
    ForeignCa,

    /// <summary>A valid watcher certificate, then a length prefix far above the frame limit.</summary>
    OversizedFrame,

    /// <summary>A valid watcher certificate, then a frame of random bytes (no protobuf message).</summary>
    GarbageFrame,
}

/// <summary>How an attempt ended, as the hostile client saw it.</summary>
internal enum HostileOutcome
{
    /// <summary>The monitor closed the connection before its handshake timeout.</summary>
    Closed,

    /// <summary>The monitor closed it at (or after) its handshake timeout.</summary>
    TimedOut,

    /// <summary>Refused: the connection or the TLS handshake was refused.</summary>
    Refused,

    /// <summary>Still open when the client gave up: the monitor did not end it.</summary>
    LeftOpen,
}

/// <summary>
/// A bounded hostile client: at a fixed rate, and with at most a fixed number of connections of its own
/// open at once (an attempt due while at the limit is skipped and counted), it cycles through
/// <see cref="HostileKind"/> and records how each attempt ended. Every attempt reads until the monitor
/// closes the connection (bounded), so a socket the monitor keeps is seen, not hidden.
/// </summary>
internal sealed class HostileClient : IAsyncDisposable
{
    private static readonly HostileKind[] Kinds = Enum.GetValues<HostileKind>();

    private readonly MonitorEndpoint _endpoint;
    private readonly IdentityBundle _foreign;
    private readonly IdentityBundle[] _valid;
    private readonly byte[] _clientHello;
    private readonly TimeSpan _handshakeTimeout;
    private readonly TimeSpan _giveUpAfter;
    private readonly SemaphoreSlim _slots;
    private readonly int _concurrency;
    private readonly long[,] _outcomes = new long[Kinds.Length, Enum.GetValues<HostileOutcome>().Length];
    private readonly CancellationTokenSource _stop = new();
    private Task _run = Task.CompletedTask;
    private volatile bool _paused;
    private long _attempts;
    private long _skipped;
    private int _open;

    private HostileClient(MonitorEndpoint endpoint, IdentityBundle foreign, IdentityBundle[] valid, byte[] clientHello, TimeSpan handshakeTimeout,
        int concurrency)
    {
        _endpoint = endpoint;
        _foreign = foreign;
        _valid = valid;
        _clientHello = clientHello;
        _handshakeTimeout = handshakeTimeout;
        _giveUpAfter = 2 * handshakeTimeout + TimeSpan.FromSeconds(10);
        _concurrency = concurrency;
        _slots = new SemaphoreSlim(concurrency);
    }

    public static async Task<HostileClient> CreateAsync(MonitorEndpoint endpoint, string foreignBundle, IReadOnlyList<string> validBundles,
        TimeSpan handshakeTimeout, int concurrency) =>
        new(endpoint, IdentityBundle.Load(foreignBundle), [.. validBundles.Select(IdentityBundle.Load)], await CaptureClientHelloAsync(endpoint.Host),
            handshakeTimeout, concurrency);

    public long Attempts => Interlocked.Read(ref _attempts);

    public long Skipped => Interlocked.Read(ref _skipped);

    /// <summary>Connections of the hostile client open now.</summary>
    public int Open => Volatile.Read(ref _open);

    public long Count(HostileKind kind, HostileOutcome outcome) => Interlocked.Read(ref _outcomes[(int)kind, (int)outcome]);

    public long Count(HostileOutcome outcome) => Kinds.Sum(kind => Count(kind, outcome));

    public void Start(double perSecond) => _run = RunAsync(perSecond);

    /// <summary>Stops starting attempts and waits (bounded) until none of its connections is open.</summary>
    public async Task PauseAsync()
    {
        _paused = true;
        var waiting = Stopwatch.StartNew();
        while (Open > 0 && waiting.Elapsed < _giveUpAfter + TimeSpan.FromSeconds(5))
        {
            await Task.Delay(100);
        }
    }

    public void Resume() => _paused = false;

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _run;
        await PauseAsync();
    }

    private async Task RunAsync(double perSecond)
    {
        var interval = TimeSpan.FromSeconds(1 / perSecond);
        var started = Stopwatch.GetTimestamp();
        try
        {
            for (var tick = 0L; ; tick++)
            {
                var wait = interval * tick - Stopwatch.GetElapsedTime(started);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _stop.Token);
                }
                if (_paused)
                {
                    continue;
                }
                if (!_slots.Wait(0))
                {
                    Interlocked.Increment(ref _skipped);
                    continue;
                }
                var kind = Kinds[tick % Kinds.Length];
                Interlocked.Increment(ref _attempts);
                Interlocked.Increment(ref _open);
                _ = Task.Run(async () =>
                {
                    try
                    {
                        var began = Stopwatch.GetTimestamp();
                        var outcome = await AttemptAsync(kind);
                        if (outcome == HostileOutcome.Closed && Stopwatch.GetElapsedTime(began) >= _handshakeTimeout * 0.8)
                        {
                            outcome = HostileOutcome.TimedOut;
                        }
                        Interlocked.Increment(ref _outcomes[(int)kind, (int)outcome]);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref _open);
                        _slots.Release();
                    }
                });
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task<HostileOutcome> AttemptAsync(HostileKind kind)
    {
        using var bound = new CancellationTokenSource(_giveUpAfter);
        if (kind is HostileKind.OversizedFrame or HostileKind.GarbageFrame)
        {
            try
            {
                return await BadFrameAfterHandshakeAsync(kind, bound.Token);
            }
            catch (OperationCanceledException)
            {
                return HostileOutcome.LeftOpen;
            }
            catch (IOException)
            {
                return HostileOutcome.Closed;
            }
        }
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(_endpoint.Host, _endpoint.Port, bound.Token);
        }
        catch (SocketException)
        {
            return HostileOutcome.Refused;
        }
        catch (OperationCanceledException)
        {
            return HostileOutcome.LeftOpen;
        }
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        try
        {
            switch (kind)
            {
                case HostileKind.Junk:
                    var junk = new byte[Random.Shared.Next(16, 4096)];
                    Random.Shared.NextBytes(junk);
                    junk[0] = 0x47; // "G": not a TLS record type, whatever follows
                    await stream.WriteAsync(junk, bound.Token);
                    return await ReadToEndAsync(stream, bound.Token);
                case HostileKind.HalfHandshake:
                    await stream.WriteAsync(_clientHello, bound.Token);
                    return await ReadToEndAsync(stream, bound.Token);
                case HostileKind.Idle:
                    return await ReadToEndAsync(stream, bound.Token);
                default:
                    return await ForeignCertificateAsync(stream, bound.Token);
            }
        }
        catch (OperationCanceledException)
        {
            return HostileOutcome.LeftOpen;
        }
        catch (IOException)
        {
            return HostileOutcome.Closed; // reset by the monitor
        }
    }

    private async Task<HostileOutcome> ForeignCertificateAsync(NetworkStream stream, CancellationToken bound)
    {
        await using var tls = new SslStream(stream, leaveInnerStreamOpen: true);
        try
        {
            await tls.AuthenticateAsClientAsync(ClientOptions(_endpoint.Host, _foreign), bound);
        }
        catch (Exception error) when (error is AuthenticationException or IOException)
        {
            return HostileOutcome.Refused;
        }
        // TLS 1.3: the client's handshake ends before the server has judged its certificate; the refusal follows.
        return await ReadToEndAsync(tls, bound);
    }

    private async Task<HostileOutcome> BadFrameAfterHandshakeAsync(HostileKind kind, CancellationToken bound)
    {
        var identity = _valid[Random.Shared.Next(_valid.Length)];
        FramedConnection connection;
        try
        {
            connection = await SecureClient.ConnectAsync(_endpoint, new SecureClientOptions { Identity = identity, ConnectTimeout = _handshakeTimeout }, bound);
        }
        catch (TransportException)
        {
            return HostileOutcome.Refused;
        }
        await using (connection)
        {
            byte[] bytes;
            if (kind == HostileKind.OversizedFrame)
            {
                bytes = [0x7f, 0xff, 0xff, 0xf0, 1, 2, 3, 4];
            }
            else
            {
                bytes = new byte[4 + Random.Shared.Next(8, 512)];
                Random.Shared.NextBytes(bytes);
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)(bytes.Length - 4));
            }
            await connection.Stream.WriteAsync(bytes, bound);
            await connection.Stream.FlushAsync(bound);
            return await ReadToEndAsync(connection.Stream, bound);
        }
    }

    /// <summary>Reads (and drops) whatever the monitor sends until it closes the connection.</summary>
    private static async Task<HostileOutcome> ReadToEndAsync(Stream stream, CancellationToken bound)
    {
        var buffer = new byte[4096];
        try
        {
            while (await stream.ReadAsync(buffer, bound) > 0)
            {
            }
            return HostileOutcome.Closed;
        }
        catch (AuthenticationException)
        {
            return HostileOutcome.Refused; // a TLS alert
        }
    }

    private static SslClientAuthenticationOptions ClientOptions(string host, IdentityBundle? identity) => new()
    {
        TargetHost = host,
        EnabledSslProtocols = SslProtocols.Tls13,
        ApplicationProtocols = [TlsPolicy.Alpn],
        ClientCertificateContext = identity is null ? null : SslStreamCertificateContext.Create(identity.Certificate, additionalCertificates: null, offline: true),
        // The hostile client does not care whom it talks to: it must get as far as showing its certificate.
        RemoteCertificateValidationCallback = (_, _, _, _) => true,
    };

    /// <summary>The bytes of one real TLS 1.3 ClientHello, taken from an SslStream writing into a stream that never answers.</summary>
    private static async Task<byte[]> CaptureClientHelloAsync(string host)
    {
        var capture = new HelloCaptureStream();
        using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var tls = new SslStream(capture);
        var handshake = tls.AuthenticateAsClientAsync(ClientOptions(host, identity: null), giveUp.Token);
        var hello = await capture.Hello.Task.WaitAsync(giveUp.Token);
        await giveUp.CancelAsync();
        try
        {
            await handshake;
        }
        catch (Exception error) when (error is OperationCanceledException or IOException or AuthenticationException)
        {
        }
        return hello;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
        _foreign.Dispose();
        foreach (var identity in _valid)
        {
            identity.Dispose();
        }
        _stop.Dispose();
        _slots.Dispose();
    }

    /// <summary>Keeps the first write (the ClientHello) and never answers a read.</summary>
    private sealed class HelloCaptureStream : Stream
    {
        public TaskCompletionSource<byte[]> Hello { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => Hello.TrySetResult(buffer.AsSpan(offset, count).ToArray());

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Hello.TrySetResult(buffer.ToArray());
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
