using System.Threading.Channels;

namespace SecureMonitor.Storage;

/// <summary>Tuning for <see cref="GroupCommitWriter"/>.</summary>
public sealed record GroupCommitWriterOptions
{
    /// <summary>Most messages committed in one transaction.</summary>
    public int MaxBatchSize { get; init; } = 1_000;

    /// <summary>Most messages waiting for a commit; beyond it <see cref="GroupCommitWriter.WriteAsync"/> waits (backpressure).</summary>
    public int QueueCapacity { get; init; } = 10_000;
}

/// <summary>
/// Group commit in front of <see cref="IMonitorStore.AppendAsync"/>: one durable transaction per batch
/// instead of one per message (with <c>synchronous=FULL</c> SQLite, ~390 k rows/s instead of ~8 k).
/// </summary>
/// <remarks>
/// <para>A single background loop takes everything queued (up to <see cref="GroupCommitWriterOptions.MaxBatchSize"/>,
/// never waiting for more than is already there) and appends it in one transaction; then it completes each
/// caller's task with its message's outcome. So a message's task completes only once the message is
/// durable, and a caller may acknowledge it then and not before. If the batch fails, every caller in it
/// gets the exception and must not acknowledge (the next batch is tried afresh).</para>
/// <para>One writer serves one leadership term: every batch carries the <see cref="WriteFence"/> given at
/// construction. After a <see cref="StaleFenceException"/> the node has lost leadership; dispose this
/// writer and create a new one when leadership is regained.</para>
/// <para>The queue is bounded: when it is full, <see cref="EnqueueAsync"/> (and so <see cref="WriteAsync"/>)
/// waits for room. <see cref="DisposeAsync"/> stops taking messages and drains the queue.</para>
/// </remarks>
public sealed class GroupCommitWriter : IAsyncDisposable
{
    private readonly IMonitorStore _store;
    private readonly WriteFence _fence;
    private readonly int _maxBatchSize;
    private readonly Channel<PendingWrite> _queue;
    private readonly Task _loop;

    public GroupCommitWriter(IMonitorStore store, WriteFence fence, GroupCommitWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        options ??= new GroupCommitWriterOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.QueueCapacity, 1);
        _store = store;
        _fence = fence;
        _maxBatchSize = options.MaxBatchSize;
        _queue = Channel.CreateBounded<PendingWrite>(new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Messages queued and not yet taken into a batch.</summary>
    public int QueuedCount => _queue.Reader.Count;

    /// <summary>
    /// Queues <paramref name="message"/> and completes with its outcome once it is durable.
    /// <paramref name="ct"/> cancels waiting (for room, or for the commit); a cancelled caller does not
    /// know whether its message was stored and must not acknowledge it.
    /// </summary>
    /// <exception cref="ArgumentException">The message is invalid; it is never queued, so it cannot fail a batch.</exception>
    /// <exception cref="ObjectDisposedException">The writer is disposed.</exception>
    public async Task<AppendOutcome> WriteAsync(StoredMessage message, CancellationToken ct = default)
    {
        var durable = await EnqueueAsync(message, ct).ConfigureAwait(false);
        return await durable.WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Two-step form of <see cref="WriteAsync"/>: the outer task completes once the message is queued
    /// (it waits while the queue is full), the inner one once the message is durable.
    /// </summary>
    public async ValueTask<Task<AppendOutcome>> EnqueueAsync(StoredMessage message, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Validate();
        var pending = new PendingWrite(message);
        try
        {
            await _queue.Writer.WriteAsync(pending, ct).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(nameof(GroupCommitWriter));
        }

        return pending.Completion.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<PendingWrite>(_maxBatchSize);
        var messages = new List<StoredMessage>(_maxBatchSize);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < _maxBatchSize && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
                messages.Add(pending.Message);
            }

            try
            {
                var outcomes = await _store.AppendAsync(messages, _fence, CancellationToken.None).ConfigureAwait(false);
                if (outcomes.Count != batch.Count)
                    throw new InvalidOperationException($"The store returned {outcomes.Count} outcomes for a batch of {batch.Count}.");
                for (var i = 0; i < batch.Count; i++) batch[i].Completion.TrySetResult(outcomes[i]);
            }
            catch (Exception e)
            {
                foreach (var pending in batch) pending.Completion.TrySetException(e);
            }

            batch.Clear();
            messages = new List<StoredMessage>(_maxBatchSize); // the store may keep a reference to the last list
        }
    }

    /// <summary>Stops taking messages, commits everything already queued, then returns.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private sealed class PendingWrite(StoredMessage message)
    {
        public StoredMessage Message { get; } = message;

        // Continuations run off the writer loop, so a slow caller never stalls the next batch.
        public TaskCompletionSource<AppendOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
