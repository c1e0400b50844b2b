using SecureMonitor.Storage;

namespace SecureMonitor.TestKit.Storage;

/// <summary>
/// Counts appends and their sizes, and can hold an append at a gate (so a test knows the writer loop is
/// busy, without sleeping) or fail one.
/// </summary>
public sealed class ScriptedStore(IMonitorStore inner) : DelegatingMonitorStore(inner)
{
    private readonly Lock _lock = new();
    private readonly Queue<Hold> _holds = new();
    private readonly List<int> _batchSizes = [];
    private Exception? _failNext;

    public int AppendCalls { get { lock (_lock) return _batchSizes.Count; } }

    public IReadOnlyList<int> BatchSizes { get { lock (_lock) return [.. _batchSizes]; } }

    /// <summary>The next append (not one already running) waits at this gate until released.</summary>
    public Hold HoldNextAppend()
    {
        var hold = new Hold();
        lock (_lock) _holds.Enqueue(hold);
        return hold;
    }

    /// <summary>The next append to start throws <paramref name="error"/> (after any hold) without reaching the inner store.</summary>
    public void FailNextAppend(Exception error)
    {
        lock (_lock) _failNext = error;
    }

    public override async Task<IReadOnlyList<AppendOutcome>> AppendAsync(IReadOnlyList<StoredMessage> batch, WriteFence fence, CancellationToken ct = default)
    {
        Hold? hold;
        Exception? fail;
        lock (_lock)
        {
            _batchSizes.Add(batch.Count);
            _holds.TryDequeue(out hold);
            fail = _failNext;
            _failNext = null;
        }

        if (hold is not null)
        {
            hold.SignalEntered();
            await hold.Released.ConfigureAwait(false);
        }

        if (fail is not null) throw fail;
        return await base.AppendAsync(batch, fence, ct).ConfigureAwait(false);
    }

    public sealed class Hold
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes when the held call has reached the gate.</summary>
        public Task Entered => _entered.Task;

        public Task Released => _released.Task;

        public void SignalEntered() => _entered.TrySetResult();

        public void Release() => _released.TrySetResult();
    }
}
