using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using SecureMonitor.Protocol;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Transport;
using SecureMonitor.Transport.Client;

namespace SecureMonitor.Admin.Client;

/// <summary>
/// One TLS connection to one monitor node, carrying admin requests. A read loop hands each response
/// to the request it answers (by request id), joining pieces of a result too large for one frame.
/// A request's queue is bounded, so a console that stops reading a stream slows the connection and
/// the monitor drops (and counts) what this console cannot take, instead of it piling up here.
/// </summary>
public sealed class AdminConnection : IAsyncDisposable
{
    private const int QueuePerRequest = 256;

    private readonly FramedConnection _connection;
    private readonly ConcurrentDictionary<ulong, Channel<AdminReply>> _pending = new();
    private readonly Task _reader;
    private readonly TimeSpan _timeout;
    private long _nextId;
    private volatile string? _closedBecause;

    private AdminConnection(FramedConnection connection, MonitorEndpoint endpoint, TimeSpan timeout)
    {
        _connection = connection;
        Endpoint = endpoint;
        _timeout = timeout;
        _reader = ReadLoopAsync();
    }

    public MonitorEndpoint Endpoint { get; }

    /// <summary>Whether the connection is gone (the monitor closed it, or it failed).</summary>
    public bool IsClosed => _closedBecause is not null;

    /// <exception cref="TransportException">The monitor is unreachable or refused the handshake.</exception>
    public static async Task<AdminConnection> ConnectAsync(MonitorEndpoint endpoint, SecureClientOptions options, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var connection = await SecureClient.ConnectAsync(endpoint, options, cancellationToken);
        return new AdminConnection(connection, endpoint, timeout);
    }

    /// <summary>Sends one command and waits (bounded by the timeout) for its answer.</summary>
    /// <exception cref="AdminUnreachableException">The connection failed or the monitor did not answer in time.</exception>
    public async Task<AdminReply> RequestAsync(string command, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var (id, replies) = Open();
        try
        {
            await SendAsync(new AdminRequest { RequestId = id, Command = command, Arguments = { arguments } }, cancellationToken);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(_timeout);
            return await NextAsync(replies, deadline.Token, cancellationToken);
        }
        finally
        {
            Close(id);
        }
    }

    /// <summary>
    /// Sends a streaming command and yields its answers as they come (the first one says whether it
    /// started) until the monitor ends the stream. Cancelling <paramref name="stop"/> asks the monitor to
    /// end it; the monitor's closing summary is still yielded.
    /// </summary>
    public async IAsyncEnumerable<AdminReply> StreamAsync(string command, IReadOnlyList<string> arguments, CancellationToken stop,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (id, replies) = Open();
        try
        {
            await SendAsync(new AdminRequest { RequestId = id, Command = command, Arguments = { arguments } }, cancellationToken);
            using var first = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            first.CancelAfter(_timeout);
            var reply = await NextAsync(replies, first.Token, cancellationToken);
            using var stopping = stop.Register(() => _ = CancelQuietlyAsync(id));
            while (true)
            {
                yield return reply;
                if (!reply.More)
                {
                    yield break;
                }
                // While streaming, answers may be far apart: wait without a deadline until stopped,
                // then give the monitor the timeout to send its summary.
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                using var afterStop = stop.Register(() => wait.CancelAfter(_timeout));
                reply = await NextAsync(replies, wait.Token, cancellationToken);
            }
        }
        finally
        {
            Close(id);
        }
    }

    private (ulong Id, Channel<AdminReply> Replies) Open()
    {
        if (_closedBecause is { } why)
        {
            throw new AdminUnreachableException($"the connection to {Endpoint} is closed: {why}");
        }
        var id = (ulong)Interlocked.Increment(ref _nextId);
        var replies = Channel.CreateBounded<AdminReply>(new BoundedChannelOptions(QueuePerRequest) { SingleReader = true, SingleWriter = true });
        _pending[id] = replies;
        return (id, replies);
    }

    /// <summary>Forgets a request; answers still arriving for it are dropped by the read loop.</summary>
    private void Close(ulong id)
    {
        if (_pending.TryRemove(id, out var replies))
        {
            replies.Writer.TryComplete();
        }
    }

    private async Task<AdminReply> NextAsync(Channel<AdminReply> replies, CancellationToken deadline, CancellationToken caller)
    {
        try
        {
            return await replies.Reader.ReadAsync(deadline);
        }
        catch (OperationCanceledException) when (!caller.IsCancellationRequested)
        {
            throw new AdminUnreachableException($"{Endpoint} did not answer within {_timeout.TotalSeconds:0.#} s");
        }
        catch (ChannelClosedException)
        {
            throw new AdminUnreachableException($"the connection to {Endpoint} was lost: {_closedBecause}");
        }
    }

    private async Task CancelQuietlyAsync(ulong id)
    {
        try
        {
            using var deadline = new CancellationTokenSource(_timeout);
            await SendAsync(new AdminRequest { RequestId = id, Cancel = true }, deadline.Token);
        }
        catch (Exception error) when (error is AdminUnreachableException or OperationCanceledException)
        {
            // The stream ends with the connection anyway.
        }
    }

    private async Task SendAsync(AdminRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await _connection.SendAsync(new Frame { ProtocolVersion = ProtocolVersion.Current, AdminRequest = request }, cancellationToken);
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException)
        {
            throw new AdminUnreachableException($"the connection to {Endpoint} was lost: {error.Message}", error);
        }
    }

    private async Task ReadLoopAsync()
    {
        var pieces = new Dictionary<ulong, StringBuilder>();
        var why = "the monitor closed the connection";
        try
        {
            while (true)
            {
                var read = await _connection.ReadAsync();
                if (!read.IsFrame)
                {
                    why = read.Status == FrameReadStatus.EndOfStream ? why : $"unreadable data from the monitor ({read})";
                    return;
                }
                var frame = read.Frame!;
                if (frame.BodyCase == Frame.BodyOneofCase.Rejection)
                {
                    why = $"the monitor refused the connection: {frame.Rejection.Detail}";
                    return;
                }
                if (frame.BodyCase != Frame.BodyOneofCase.AdminResponse)
                {
                    why = $"the monitor sent an unexpected {frame.BodyCase}";
                    return;
                }
                var response = frame.AdminResponse;
                if (response.Continued)
                {
                    (pieces.TryGetValue(response.RequestId, out var builder) ? builder : pieces[response.RequestId] = new StringBuilder())
                        .Append(response.ResultJson);
                    continue;
                }
                var json = pieces.Remove(response.RequestId, out var joined) ? joined.Append(response.ResultJson).ToString() : response.ResultJson;
                if (_pending.TryGetValue(response.RequestId, out var replies))
                {
                    try
                    {
                        await replies.Writer.WriteAsync(AdminReply.From(response, json));
                    }
                    catch (ChannelClosedException)
                    {
                        // The request was given up (its reader stopped): this answer has no taker.
                    }
                }
            }
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException or OperationCanceledException or ChannelClosedException)
        {
            why = error.Message;
        }
        finally
        {
            _closedBecause = why;
            foreach (var replies in _pending.Values)
            {
                replies.Writer.TryComplete();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        try
        {
            await _reader;
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // Closing: whatever the read loop met no longer matters.
        }
    }
}
