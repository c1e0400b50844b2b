using Akka.Actor;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Transport;

namespace SecureMonitor.Watcher.Delivery;

/// <summary>
/// One live connection to a monitor: a read loop that turns every incoming frame (and the end of
/// the connection) into a message to the sender actor, and writes on the actor's behalf. The
/// actor stays the only owner of delivery state; this class only moves bytes.
/// </summary>
internal sealed class MonitorLink : IAsyncDisposable
{
    private readonly FramedConnection _connection;
    private readonly CancellationTokenSource _closing = new();
    private Task? _readLoop;
    private Task? _disposal;

    public MonitorLink(MonitorEndpoint endpoint, FramedConnection connection)
    {
        Endpoint = endpoint;
        _connection = connection;
    }

    public MonitorEndpoint Endpoint { get; }

    /// <summary>Starts the read loop on the thread pool: started from an actor's async handler, it would
    /// otherwise inherit the actor's task scheduler and run on (and block) the actor.</summary>
    public void StartReading(IActorRef owner) => _readLoop = Task.Run(() => ReadLoopAsync(owner));

    public ValueTask SendAsync(Frame frame) => _connection.SendAsync(frame, _closing.Token);

    public ValueTask SendBatchAsync(IReadOnlyList<Frame> frames) => _connection.SendBatchAsync(frames, _closing.Token);

    private async Task ReadLoopAsync(IActorRef owner)
    {
        string reason;
        try
        {
            while (true)
            {
                var read = await _connection.ReadAsync(_closing.Token);
                if (!read.IsFrame)
                {
                    reason = read.Status == FrameReadStatus.EndOfStream ? "monitor closed the connection" : $"bad frame from monitor: {read}";
                    break;
                }
                owner.Tell(new LinkFrame(this, read.Frame!));
            }
        }
        catch (OperationCanceledException)
        {
            reason = "closed by watcher";
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException)
        {
            reason = error.Message;
        }
        owner.Tell(new LinkClosed(this, reason));
    }

    /// <summary>Closes the connection and waits for the read loop to end. Safe to call more than once
    /// (the sender drains a link, then disposes whatever it still holds when it stops).</summary>
    public ValueTask DisposeAsync()
    {
        lock (_closing)
        {
            _disposal ??= CloseAsync();
            return new ValueTask(_disposal);
        }
    }

    private async Task CloseAsync()
    {
        await _closing.CancelAsync();
        await _connection.DisposeAsync();
        if (_readLoop is not null)
        {
            await _readLoop;
        }
        _closing.Dispose();
    }
}
