using System.Net.Security;
using SecureMonitor.Protocol.Wire;

namespace SecureMonitor.Transport;

/// <summary>
/// Frames over one TLS stream: one reader (the owner's read loop) and a writer that any task may
/// use, serialised by a lock so frames never interleave. Batching is available to callers that
/// enqueue several frames before a flush.
/// </summary>
public class FramedConnection : IAsyncDisposable
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly FrameReader _reader;
    private readonly FrameWriter _writer;

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
    public ValueTask<FrameReadResult> ReadAsync(CancellationToken cancellationToken = default) =>
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

    public virtual async ValueTask DisposeAsync()
    {
        _writer.Dispose();
        await Stream.DisposeAsync();
        _writeLock.Dispose();
        GC.SuppressFinalize(this);
    }
}
