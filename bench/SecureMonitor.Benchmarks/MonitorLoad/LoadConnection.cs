using System.Collections.Concurrent;
using System.Diagnostics;
using SecureMonitor.Benchmarks.Transport;
using SecureMonitor.Pki;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Simulation.Fleet;
using SecureMonitor.Transport;

namespace SecureMonitor.Benchmarks.MonitorLoad;

/// <summary>One watcher's TLS connection to the monitor under load, with its own sealer.</summary>
internal sealed class LoadConnection : IAsyncDisposable
{
    private readonly WatcherLink _link;
    private readonly FramedConnection _connection;
    private readonly PreSealedAlerts _alerts;

    private LoadConnection(WatcherLink link, PreSealedAlerts alerts)
    {
        _link = link;
        _connection = link.Connection;
        _alerts = alerts;
    }

    public static async Task<LoadConnection> OpenAsync(IdentityBundle watcher, MonitorEndpoint endpoint) =>
        new(await WatcherLink.OpenAsync(endpoint, watcher, "bench", TimeSpan.FromSeconds(30)), new PreSealedAlerts(watcher));

    /// <summary>Seals <paramref name="count"/> alerts ahead of a timed run: the run measures the
    /// monitor, not the load generator's own sealing (it shares the machine's two cores).</summary>
    public List<Frame> PreSeal(int count) => [.. _alerts.SealNext(count)];

    /// <summary>Sends pre-sealed alerts in batches while reading acknowledgements.</summary>
    public async Task SendPipelinedAsync(List<Frame> frames)
    {
        var count = frames.Count;
        var reader = ReadAcksAsync(count, null);
        for (var start = 0; start < count; start += 100)
        {
            await _connection.SendBatchAsync(frames.GetRange(start, Math.Min(100, count - start)));
        }
        await reader;
    }

    /// <summary>Sends at a fixed rate for <paramref name="duration"/>; returns each alert's send-to-ack latency in ms.</summary>
    public async Task<List<double>> SendPacedAsync(double perSecond, TimeSpan duration)
    {
        var count = (int)(perSecond * duration.TotalSeconds);
        var sentAt = new ConcurrentDictionary<ulong, long>();
        var latencies = new List<double>(count);
        var reader = ReadAcksAsync(count, (sequence, now) =>
        {
            if (sentAt.TryRemove(sequence, out var at))
            {
                latencies.Add(Stopwatch.GetElapsedTime(at, now).TotalMilliseconds);
            }
        });
        var interval = TimeSpan.FromSeconds(1 / perSecond);
        using var pacer = new PeriodicTimer(interval);
        var start = Stopwatch.GetTimestamp();
        for (var sent = 0; sent < count; sent++)
        {
            var frame = _alerts.SealNext(1)[0];
            // Schedule from the start, not the previous send, so a late tick does not slow the rate.
            var due = start + (long)(sent * interval.TotalSeconds * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < due)
            {
                await pacer.WaitForNextTickAsync();
            }
            sentAt[_alerts.LastSequence] = Stopwatch.GetTimestamp();
            await _connection.SendAsync(frame);
        }
        await reader;
        return latencies;
    }

    private async Task ReadAcksAsync(int expected, Action<ulong, long>? onAck)
    {
        for (var received = 0; received < expected; received++)
        {
            var read = await _connection.ReadAsync();
            if (read.Frame?.BodyCase != Frame.BodyOneofCase.Ack || read.Frame.Ack.Status != AckStatus.Accepted)
            {
                throw new InvalidOperationException($"expected an accepted ack, got {read}");
            }
            onAck?.Invoke(read.Frame.Ack.Sequence, Stopwatch.GetTimestamp());
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _link.DisposeAsync();
        _alerts.Dispose();
    }
}
