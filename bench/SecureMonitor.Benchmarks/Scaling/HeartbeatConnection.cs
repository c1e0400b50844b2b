using System.Diagnostics;
using SecureMonitor.Pki;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Simulation.Fleet;
using SecureMonitor.Transport;

namespace SecureMonitor.Benchmarks.Scaling;

/// <summary>
/// One virtual watcher of the scaling run: its own certificate and pre-shared key, a TLS 1.3 link
/// (<see cref="WatcherLink"/>) held open, and a sealed heartbeat every interval at its own offset, so
/// N watchers spread their heartbeats evenly. Two async loops, no thread of its own: a sender on a
/// fixed schedule (open loop: a slow answer delays no later heartbeat) and a reader that matches
/// each acknowledgement to its heartbeat (the monitor answers a connection in order) and records
/// the send-to-acknowledgement latency of heartbeats sent inside the measured window.
/// </summary>
internal sealed class HeartbeatConnection : IAsyncDisposable
{
    private readonly IdentityBundle _identity;
    private readonly WatcherLink _link;
    private readonly WatcherSealer _sealer;
    private readonly MeasuredWindow _window;
    private readonly long _openedAt = Stopwatch.GetTimestamp();
    private readonly Lock _gate = new();
    private readonly Queue<(ulong Sequence, long SentAt)> _inFlight = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _loops = Task.CompletedTask;
    private int _errors;
    private int _acknowledged;

    private readonly bool _ownsIdentity;

    private HeartbeatConnection(IdentityBundle identity, WatcherLink link, MeasuredWindow window, bool ownsIdentity = true)
    {
        _identity = identity;
        _ownsIdentity = ownsIdentity;
        _link = link;
        _window = window;
        _sealer = new WatcherSealer(identity.Psk!);
        _sealer.ContinueAfter(link.ResumedAfter);
    }

    /// <summary>Latencies (ms) of the heartbeats sent inside the window and acknowledged; read after <see cref="StopAsync"/>.</summary>
    public List<double> Latencies { get; } = [];

    /// <summary>Heartbeats sent inside the window that got no accepted acknowledgement by the end.</summary>
    public int Unanswered { get; private set; }

    public int Errors => Volatile.Read(ref _errors);

    /// <summary>Heartbeats the monitor has acknowledged as accepted so far (inside the window or not).</summary>
    public int AcknowledgedCount => Volatile.Read(ref _acknowledged);

    /// <summary>False once the monitor closed the connection or a send or read failed.</summary>
    public bool IsOpen { get; private set; } = true;

    /// <summary>Loads the identity from its bundle directory (loaded only while connected, to keep the load generator lean) and opens the link.</summary>
    public static async Task<HeartbeatConnection> OpenAsync(string bundleDirectory, MonitorEndpoint endpoint, MeasuredWindow window,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        var identity = IdentityBundle.Load(bundleDirectory);
        try
        {
            return new HeartbeatConnection(identity, await WatcherLink.OpenAsync(endpoint, identity, "bench-scaling", timeout, cancellationToken), window);
        }
        catch
        {
            identity.Dispose();
            throw;
        }
    }

    /// <summary>Opens the link with an identity the caller keeps loaded (as a real watcher does for its lifetime).</summary>
    public static async Task<HeartbeatConnection> OpenAsync(IdentityBundle identity, MonitorEndpoint endpoint, MeasuredWindow window,
        TimeSpan timeout, CancellationToken cancellationToken) =>
        new(identity, await WatcherLink.OpenAsync(endpoint, identity, "bench-scaling", timeout, cancellationToken), window, ownsIdentity: false);

    /// <summary>Starts heartbeating: the first after <paramref name="offset"/>, then every <paramref name="interval"/>.</summary>
    public void Start(TimeSpan offset, TimeSpan interval) => _loops = Task.WhenAll(SendLoopAsync(offset, interval), ReadLoopAsync());

    private async Task SendLoopAsync(TimeSpan offset, TimeSpan interval)
    {
        try
        {
            for (var beat = 0L; ; beat++)
            {
                var due = _openedAt + (long)((offset + beat * interval).TotalSeconds * Stopwatch.Frequency);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _stop.Token);
                }
                var heartbeat = new Heartbeat { UptimeMs = (long)Stopwatch.GetElapsedTime(_openedAt).TotalMilliseconds };
                var frame = Frames.Envelope(_sealer.SealNext(new WatcherMessage { Heartbeat = heartbeat }, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
                lock (_gate)
                {
                    _inFlight.Enqueue((_sealer.LastSequence, Stopwatch.GetTimestamp()));
                }
                await _link.Connection.SendAsync(frame, _stop.Token);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException or TransportException)
        {
            Fail();
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                var read = await _link.Connection.ReadAsync(_stop.Token);
                var now = Stopwatch.GetTimestamp();
                if (read.Frame is not { BodyCase: Frame.BodyOneofCase.Ack } frame || frame.Ack.Status != AckStatus.Accepted)
                {
                    // End of stream, a rejection or a duplicate: none is the answer an honest heartbeat gets.
                    Fail();
                    return;
                }
                (ulong Sequence, long SentAt) sent;
                lock (_gate)
                {
                    if (!_inFlight.TryDequeue(out sent))
                    {
                        sent = (0, 0);
                    }
                }
                if (sent.Sequence != frame.Ack.Sequence)
                {
                    Interlocked.Increment(ref _errors);
                    continue;
                }
                Interlocked.Increment(ref _acknowledged);
                if (_window.Contains(sent.SentAt))
                {
                    Latencies.Add(Stopwatch.GetElapsedTime(sent.SentAt, now).TotalMilliseconds);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException or TransportException)
        {
            Fail();
        }
    }

    private void Fail()
    {
        IsOpen = false;
        Interlocked.Increment(ref _errors);
    }

    /// <summary>Stops both loops and counts the window's heartbeats still waiting for an answer.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loops;
        lock (_gate)
        {
            Unanswered = _inFlight.Count(sent => _window.Contains(sent.SentAt));
        }
    }

    /// <summary>Heartbeats of the window sent but not yet answered.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _inFlight.Count(sent => _window.Contains(sent.SentAt));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _link.DisposeAsync();
        _sealer.Dispose();
        if (_ownsIdentity)
        {
            _identity.Dispose();
        }
        _stop.Dispose();
    }
}

/// <summary>The steady period of a run, as <see cref="Stopwatch"/> timestamps; empty until <see cref="Open"/>.</summary>
internal sealed class MeasuredWindow
{
    private long _from = long.MaxValue;
    private long _until = long.MaxValue;

    public void Open() => Volatile.Write(ref _from, Stopwatch.GetTimestamp());

    public void Close() => Volatile.Write(ref _until, Stopwatch.GetTimestamp());

    public bool Contains(long timestamp) => timestamp >= Volatile.Read(ref _from) && timestamp < Volatile.Read(ref _until);
}
