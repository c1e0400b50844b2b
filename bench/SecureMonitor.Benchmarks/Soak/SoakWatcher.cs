using System.Diagnostics;
using SecureMonitor.Pki;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Simulation.Fleet;
using SecureMonitor.Transport;

namespace SecureMonitor.Benchmarks.Soak;

/// <summary>
/// One virtual watcher of the soak run: its own identity, a TLS 1.3 link held open, a sealed heartbeat
/// every interval at its own offset and, every alert interval (also at its own offset), a sealed alert
/// instead. Keeps the sequences of the alerts the monitor acknowledged as accepted, so the run can check
/// that each of them is in the store. A link the monitor closes is opened again (jittered), continuing
/// after the monitor's high-water mark; the sealer, and so the key and sequence, live as long as the watcher.
/// </summary>
internal sealed class SoakWatcher : IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(60);

    private readonly IdentityBundle _identity;
    private readonly WatcherSealer _sealer;
    private readonly MonitorEndpoint _endpoint;
    private readonly Lock _gate = new();
    private readonly Queue<(ulong Sequence, bool IsAlert)> _inFlight = new();
    private readonly List<ulong> _ackedAlerts = [];
    private readonly CancellationTokenSource _stop = new();
    private WatcherLink? _link;
    private Task _run = Task.CompletedTask;
    private int _heartbeatsAcked;
    private int _errors;
    private int _reconnects;

    public SoakWatcher(string bundleDirectory, MonitorEndpoint endpoint)
    {
        _identity = IdentityBundle.Load(bundleDirectory);
        _sealer = new WatcherSealer(_identity.Psk!);
        _endpoint = endpoint;
    }

    public string HostId => _sealer.HostId;

    public bool IsConnected => Volatile.Read(ref _link) is not null;

    public int HeartbeatsAcked => Volatile.Read(ref _heartbeatsAcked);

    public int AlertsAcked
    {
        get
        {
            lock (_gate)
            {
                return _ackedAlerts.Count;
            }
        }
    }

    /// <summary>Connections lost (closed by the monitor, a refusal, a mismatched acknowledgement).</summary>
    public int Errors => Volatile.Read(ref _errors);

    public int Reconnects => Volatile.Read(ref _reconnects);

    /// <summary>Sequences of the alerts acknowledged as accepted; read after <see cref="StopAsync"/>.</summary>
    public IReadOnlyList<ulong> AckedAlerts => _ackedAlerts;

    /// <summary>Opens the link (retrying while the monitor is not ready, within <paramref name="within"/>).</summary>
    public async Task ConnectAsync(TimeSpan within, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var link = await WatcherLink.OpenAsync(_endpoint, _identity, "bench-soak", ConnectTimeout, cancellationToken);
                _sealer.ContinueAfter(link.ResumedAfter);
                Volatile.Write(ref _link, link);
                return;
            }
            catch (Exception error) when (error is TransportException or IOException && deadline.Elapsed < within)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(250, 1000)), cancellationToken);
            }
        }
    }

    /// <summary>Starts the schedule: the first message after <paramref name="offset"/>, then every <paramref name="heartbeat"/>;
    /// each message at or past the next alert time (every <paramref name="alertEvery"/>, from <paramref name="alertOffset"/>) is an alert.</summary>
    public void Start(TimeSpan offset, TimeSpan heartbeat, TimeSpan alertOffset, TimeSpan alertEvery) =>
        _run = RunAsync(offset, heartbeat, alertOffset, alertEvery);

    private async Task RunAsync(TimeSpan offset, TimeSpan heartbeat, TimeSpan alertOffset, TimeSpan alertEvery)
    {
        var started = Stopwatch.GetTimestamp();
        var nextAlert = alertOffset;
        var firing = true;
        var beat = 0L;
        while (!_stop.IsCancellationRequested)
        {
            if (Volatile.Read(ref _link) is not { } link)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(500, 3000)), _stop.Token);
                    Interlocked.Increment(ref _reconnects);
                    await ConnectAsync(TimeSpan.FromSeconds(30), _stop.Token);
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception error) when (error is TransportException or IOException)
                {
                    Interlocked.Increment(ref _errors);
                }
                continue;
            }
            using var lost = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var reader = ReadLoopAsync(link, lost);
            try
            {
                // Beats missed while the link was down are skipped, not sent in a burst.
                beat = Math.Max(beat, (long)Math.Ceiling((Stopwatch.GetElapsedTime(started) - offset) / heartbeat));
                for (; ; beat++)
                {
                    var wait = offset + beat * heartbeat - Stopwatch.GetElapsedTime(started);
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, lost.Token);
                    }
                    var isAlert = Stopwatch.GetElapsedTime(started) >= nextAlert;
                    WatcherMessage message;
                    if (isAlert)
                    {
                        nextAlert += alertEvery;
                        message = Alert(firing);
                        firing = !firing;
                    }
                    else
                    {
                        message = new WatcherMessage { Heartbeat = new Heartbeat { UptimeMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds } };
                    }
                    var frame = Frames.Envelope(_sealer.SealNext(message, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
                    lock (_gate)
                    {
                        _inFlight.Enqueue((_sealer.LastSequence, isAlert));
                    }
                    await link.Connection.SendAsync(frame, lost.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception error) when (error is IOException or ObjectDisposedException or TransportException)
            {
                Interlocked.Increment(ref _errors);
            }
            await lost.CancelAsync();
            await reader;
            Volatile.Write(ref _link, null);
            await link.DisposeAsync();
            lock (_gate)
            {
                _inFlight.Clear(); // never acknowledged, so never counted as acknowledged: nothing to check in the store
            }
        }
    }

    private async Task ReadLoopAsync(WatcherLink link, CancellationTokenSource lost)
    {
        try
        {
            while (true)
            {
                var read = await link.Connection.ReadAsync(lost.Token);
                if (read.Frame is not { BodyCase: Frame.BodyOneofCase.Ack } frame || frame.Ack.Status != AckStatus.Accepted)
                {
                    if (!_stop.IsCancellationRequested)
                    {
                        Interlocked.Increment(ref _errors);
                    }
                    break;
                }
                lock (_gate)
                {
                    // One acknowledgement per envelope, in order; taken as covering everything up to its sequence.
                    while (_inFlight.TryPeek(out var sent) && sent.Sequence <= frame.Ack.Sequence)
                    {
                        _inFlight.Dequeue();
                        if (sent.IsAlert)
                        {
                            _ackedAlerts.Add(sent.Sequence);
                        }
                        else
                        {
                            _heartbeatsAcked++;
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException or TransportException)
        {
            if (!_stop.IsCancellationRequested)
            {
                Interlocked.Increment(ref _errors);
            }
        }
        await lost.CancelAsync(); // the sender stops with the reader: the link is gone
    }

    private static WatcherMessage Alert(bool firing) => new()
    {
        Alert = new Alert
        {
            RuleId = "soak-check",
            Metric = "soak.value",
            Severity = Severity.Warning,
            State = firing ? AlertState.Firing : AlertState.Resolved,
            Value = firing ? 91 : 10,
            Threshold = 90,
            RaisedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            Summary = "soak benchmark alert",
        },
    };

    /// <summary>Stops sending, waits (bounded) for the acknowledgements in flight, then closes the link.</summary>
    public async Task StopAsync(TimeSpan drain)
    {
        var draining = Stopwatch.StartNew();
        while (IsConnected && draining.Elapsed < drain)
        {
            lock (_gate)
            {
                if (_inFlight.Count == 0)
                {
                    break;
                }
            }
            await Task.Delay(50);
        }
        await _stop.CancelAsync();
        await _run;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
        if (Volatile.Read(ref _link) is { } link)
        {
            await link.DisposeAsync();
        }
        _sealer.Dispose();
        _identity.Dispose();
        _stop.Dispose();
    }
}
