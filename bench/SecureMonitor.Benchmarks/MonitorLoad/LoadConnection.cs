using System.Diagnostics;
using SecureMonitor.Benchmarks.Transport;
using SecureMonitor.Pki;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Transport;

namespace SecureMonitor.Benchmarks.MonitorLoad;

/// <summary>
/// One watcher's TLS connection to the monitor under load. Kept lean, because it shares the two
/// cores with the monitor it measures: alerts are sealed and encoded ahead of a timed run, written
/// in chunks of many frames (one TLS record each, as a watcher resending its spool writes them),
/// and acknowledgements are decoded from a buffer without a read per frame.
/// </summary>
internal sealed class LoadConnection : IAsyncDisposable
{
    private const int FramesPerChunk = 128;

    private readonly FramedConnection _connection;
    private readonly PreSealedAlerts _alerts;
    private readonly byte[] _readBuffer = new byte[64 * 1024];
    private int _buffered;
    private ulong _acknowledgedThrough;

    private LoadConnection(FramedConnection connection, PreSealedAlerts alerts, ulong mark)
    {
        _connection = connection;
        _alerts = alerts;
        _acknowledgedThrough = mark;
    }

    public static async Task<LoadConnection> OpenAsync(IdentityBundle watcher, MonitorEndpoint endpoint)
    {
        var connection = await LoopbackTransport.ConnectAsync(watcher, endpoint);
        var psk = watcher.Psk!;
        await connection.SendAsync(Frames.Hello(psk.HostId, "bench", cumulativeAcks: true));
        var hello = await connection.ReadAsync();
        if (hello.Frame?.BodyCase != Frame.BodyOneofCase.Ack)
        {
            throw new InvalidOperationException($"no hello answer: {hello}");
        }
        return new LoadConnection(connection, new PreSealedAlerts(watcher), hello.Frame.Ack.HighWaterMark);
    }

    /// <summary>Seals and encodes the next <paramref name="count"/> alerts ahead of a timed run,
    /// as chunks of frames ready to write.</summary>
    public PreparedAlerts Prepare(int count)
    {
        var chunks = new List<ReadOnlyMemory<byte>>();
        for (var start = 0; start < count; start += FramesPerChunk)
        {
            var frames = _alerts.SealNext(Math.Min(FramesPerChunk, count - start));
            var bytes = new byte[frames.Sum(frame => FrameDecoder.LengthPrefixBytes + frame.CalculateSize())];
            var at = 0;
            foreach (var frame in frames)
            {
                at += FrameEncoder.Encode(frame, bytes.AsSpan(at), _connection.Limits);
            }
            chunks.Add(bytes);
        }
        return new PreparedAlerts(chunks, _alerts.LastSequence);
    }

    /// <summary>Writes prepared alerts back to back while reading acknowledgements, until the last is acknowledged.</summary>
    public async Task SendPipelinedAsync(PreparedAlerts alerts)
    {
        var reader = ReadAcksThroughAsync(alerts.LastSequence, onAcknowledged: null);
        foreach (var chunk in alerts.Chunks)
        {
            await _connection.Stream.WriteAsync(chunk);
        }
        await _connection.Stream.FlushAsync();
        await reader;
    }

    /// <summary>Sends at a fixed rate for <paramref name="duration"/>; returns each alert's send-to-ack latency in ms.</summary>
    public async Task<List<double>> SendPacedAsync(double perSecond, TimeSpan duration)
    {
        var count = (int)(perSecond * duration.TotalSeconds);
        var first = _alerts.LastSequence + 1;
        var sentAt = new long[count];
        var latencies = new List<double>(count);
        var reader = ReadAcksThroughAsync(first + (ulong)count - 1, (through, now) =>
        {
            for (var sequence = first + (ulong)latencies.Count; sequence <= through; sequence++)
            {
                latencies.Add(Stopwatch.GetElapsedTime(sentAt[sequence - first], now).TotalMilliseconds);
            }
        });
        var interval = TimeSpan.FromSeconds(1 / perSecond);
        using var pacer = new PeriodicTimer(interval);
        var start = Stopwatch.GetTimestamp();
        var buffer = new byte[_connection.Limits.MaxFrameBytes + FrameDecoder.LengthPrefixBytes];
        for (var sent = 0; sent < count; sent++)
        {
            var frame = _alerts.SealNext(1)[0];
            var length = FrameEncoder.Encode(frame, buffer, _connection.Limits);
            // Scheduled from the start, not the previous send, so a late tick does not slow the rate.
            var due = start + (long)(sent * interval.TotalSeconds * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < due)
            {
                await pacer.WaitForNextTickAsync();
            }
            sentAt[sent] = Stopwatch.GetTimestamp();
            await _connection.Stream.WriteAsync(buffer.AsMemory(0, length));
        }
        await reader;
        return latencies;
    }

    /// <summary>Reads until <paramref name="last"/> is acknowledged. Acknowledgements come in order, one
    /// per envelope or one for several (up to its high-water mark): either way the mark says how far.</summary>
    private async Task ReadAcksThroughAsync(ulong last, Action<ulong, long>? onAcknowledged)
    {
        while (_acknowledgedThrough < last)
        {
            var read = await _connection.Stream.ReadAsync(_readBuffer.AsMemory(_buffered));
            if (read == 0)
            {
                throw new InvalidOperationException($"the monitor closed the connection at {_acknowledgedThrough} of {last}");
            }
            _buffered += read;
            var now = Stopwatch.GetTimestamp();
            var consumed = 0;
            while (FrameDecoder.TryDecode(_readBuffer.AsSpan(consumed, _buffered - consumed), _connection.Limits, out var result, out var used))
            {
                consumed += used;
                var ack = result.Frame?.BodyCase == Frame.BodyOneofCase.Ack ? result.Frame.Ack : null;
                if (ack is null || ack.Status != AckStatus.Accepted)
                {
                    throw new InvalidOperationException($"expected an accepted ack, got {result} {result.Frame}");
                }
                _acknowledgedThrough = Math.Max(_acknowledgedThrough, ack.HighWaterMark);
            }
            _readBuffer.AsSpan(consumed, _buffered - consumed).CopyTo(_readBuffer);
            _buffered -= consumed;
            onAcknowledged?.Invoke(_acknowledgedThrough, now);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        _alerts.Dispose();
    }
}

/// <summary>Alerts sealed and encoded ahead of a timed run.</summary>
internal sealed record PreparedAlerts(IReadOnlyList<ReadOnlyMemory<byte>> Chunks, ulong LastSequence);
