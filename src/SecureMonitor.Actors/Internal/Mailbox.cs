using System.Collections.Concurrent;

namespace SecureMonitor.Actors.Internal;

/// <summary>
/// A bounded multi-producer, single-consumer queue of user messages plus an unbounded queue of
/// system messages, and the flag that keeps at most one thread running the actor.
/// </summary>
/// <remarks>
/// Why not a bounded <c>Channel&lt;T&gt;</c>: it takes a lock per write and per read, which bounces
/// between two actors on two cores; a bare channel pair measured 64-228 ns per message against
/// 38-57 ns for our whole actor pair (README.md, "Mailbox"). Releasing slots per batch rather than per
/// message halved the cost. The bound is never exceeded: a producer reserves a slot with an atomic
/// increment before enqueueing.
/// </remarks>
internal sealed class Mailbox
{
    private readonly ConcurrentQueue<Envelope> _user = new();
    private readonly ConcurrentQueue<SystemMessage> _system = new();
    private readonly int _capacity;
    private int _userCount;
    private int _scheduled;
    private int _spaceWaiterCount;
    private readonly List<TaskCompletionSource> _spaceWaiters = [];

    public Mailbox(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    public int Capacity => _capacity;

    public int Count => Volatile.Read(ref _userCount);

    public bool HasUserMessages => !_user.IsEmpty;

    public bool HasSystemMessages => !_system.IsEmpty;

    public bool TryEnqueue(in Envelope envelope)
    {
        if (Interlocked.Increment(ref _userCount) > _capacity)
        {
            Interlocked.Decrement(ref _userCount);
            return false;
        }

        _user.Enqueue(envelope);
        return true;
    }

    /// <summary>For kernel notices (Terminated) that must not be lost to a full mailbox.</summary>
    public void EnqueueBeyondCapacity(in Envelope envelope)
    {
        Interlocked.Increment(ref _userCount);
        _user.Enqueue(envelope);
    }

    public void EnqueueSystem(SystemMessage message) => _system.Enqueue(message);

    public bool TryDequeueSystem(out SystemMessage message) => _system.TryDequeue(out message!);

    /// <summary>
    /// Takes the next message. Its slot stays reserved until <see cref="ReleaseSlots"/>: the consumer
    /// frees slots once per batch, so producer and consumer do not fight over the count per message.
    /// </summary>
    public bool TryDequeue(out Envelope envelope) => _user.TryDequeue(out envelope);

    public void ReleaseSlots(int count)
    {
        if (count == 0)
        {
            return;
        }

        Interlocked.Add(ref _userCount, -count);
        // Pairs with the increment in EnqueueWhenSpaceAsync: both sides use full fences, so either the
        // waiter sees the freed slots or we see the waiter.
        if (Volatile.Read(ref _spaceWaiterCount) != 0)
        {
            ReleaseSpaceWaiters();
        }
    }

    /// <summary>True when the caller won the right to schedule the actor.</summary>
    public bool TrySetScheduled() =>
        Volatile.Read(ref _scheduled) == 0 && Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0;

    public void SetIdle() => Interlocked.Exchange(ref _scheduled, 0);

    /// <summary>Enqueues, waiting while the mailbox is full; false if <paramref name="isClosed"/> turns true.</summary>
    public async ValueTask<bool> EnqueueWhenSpaceAsync(Envelope envelope, Func<bool> isClosed, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (isClosed())
            {
                return false;
            }

            if (TryEnqueue(envelope))
            {
                return true;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_spaceWaiters)
            {
                _spaceWaiters.Add(waiter);
                Interlocked.Increment(ref _spaceWaiterCount);
            }

            // A slot may have been freed between the failed attempt and the registration.
            if (TryEnqueue(envelope))
            {
                RemoveWaiter(waiter);
                return true;
            }

            try
            {
                await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                RemoveWaiter(waiter);
            }
        }
    }

    /// <summary>Wakes producers blocked on space, e.g. because the actor stopped.</summary>
    public void ReleaseSpaceWaiters()
    {
        lock (_spaceWaiters)
        {
            foreach (var waiter in _spaceWaiters)
            {
                waiter.TrySetResult();
            }

            _spaceWaiters.Clear();
            Interlocked.Exchange(ref _spaceWaiterCount, 0);
        }
    }

    private void RemoveWaiter(TaskCompletionSource waiter)
    {
        lock (_spaceWaiters)
        {
            if (_spaceWaiters.Remove(waiter))
            {
                Interlocked.Decrement(ref _spaceWaiterCount);
            }
        }
    }
}
