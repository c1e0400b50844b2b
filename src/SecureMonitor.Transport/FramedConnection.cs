using System.Net.Security;
using System.Threading.Channels;
using SecureMonitor.Protocol.Wire;

namespace SecureMonitor.Transport;

/// <summary>
/// Frames over one TLS stream: one reader (the owner's read loop) and a writer that any task may
/// use, serialised by a lock so frames never interleave. Batching is available to callers that
/// enqueue several frames before a flush, and a write loop (<see cref="StartWriteLoop"/>) batches
/// on its own: frames queued while a write is in progress go out together in the next one, so a
/// peer pipelining requests gets its replies in few TLS records instead of one write each.
/// </summary>
public class FramedConnection : IAsyncDisposable
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly FrameReader _reader;
    private readonly FrameWriter _writer;
    private Channel<Frame>? _queue;
    private Task? _writeLoop;

    public FramedConnection(SslStream stream, FrameLimits limits)
    {
        Stream = stream;
        Limits = limits;
        _reader = new FrameReader(stream, limits);
        _writer = new FrameWriter(stream, limits);
    }

    public SslStream Stream { get; }

    public FrameLimits Limits { get; }

    /// <summary>Reads the next frame or the reason there is none; never throws for bad peer input
    /// (I/O failures of the socket itself still throw).</summary>
    public virtual ValueTask<FrameReadResult> ReadAsync(CancellationToken cancellationToken = default) =>
        _reader.ReadAsync(cancellationToken);

    public async ValueTask SendAsync(Frame frame, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await _writer.WriteAsync(frame, cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Writes several frames with as few TLS records as the batch limit allows.</summary>
    public async ValueTask SendBatchAsync(IReadOnlyList<Frame> frames, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            foreach (var frame in frames)
            {
                if (!_writer.TryEnqueue(frame))
                {
                    await _writer.FlushAsync(cancellationToken);
                    if (!_writer.TryEnqueue(frame))
                    {
                        await _writer.WriteAsync(frame, cancellationToken);
                    }
                }
            }
            await _writer.FlushAsync(cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Starts the write loop behind <see cref="EnqueueAsync"/>. The queue is bounded:
    /// a producer faster than the peer reads waits, it never grows memory without limit.</summary>
    public void StartWriteLoop(int capacity = 1024)
    {
        _queue = Channel.CreateBounded<Frame>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _writeLoop = WriteLoopAsync(_queue.Reader);
    }

    /// <summary>Queues a frame for the write loop (or writes it at once if there is none). Throws
    /// <see cref="ChannelClosedException"/> once the connection failed.</summary>
    public ValueTask EnqueueAsync(Frame frame, CancellationToken cancellationToken = default) =>
        _queue is { } queue ? queue.Writer.WriteAsync(frame, cancellationToken) : SendAsync(frame, cancellationToken);

    private async Task WriteLoopAsync(ChannelReader<Frame> queue)
    {
        try
        {
            while (await queue.WaitToReadAsync())
            {
                await _writeLock.WaitAsync();
                try
                {
                    while (queue.TryRead(out var frame))
                    {
                        if (!_writer.TryEnqueue(frame))
                        {
                            await _writer.FlushAsync();
                            if (!_writer.TryEnqueue(frame))
                            {
                                await _writer.WriteAsync(frame);
                            }
                        }
                    }
                    await _writer.FlushAsync();
                }
                finally
                {
                    _writeLock.Release();
                }
            }
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The connection is gone: producers learn it from the closed queue.
            _queue?.Writer.TryComplete(error);
        }
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_queue is not null)
        {
            _queue.Writer.TryComplete();
            await _writeLoop!;
        }
        _writer.Dispose();
        await Stream.DisposeAsync();
        _writeLock.Dispose();
        GC.SuppressFinalize(this);
    }
}
