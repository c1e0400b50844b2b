using Microsoft.Extensions.Logging;

namespace SecureMonitor.Actors.Internal;

/// <summary>
/// The runtime of one actor: its mailbox, its state machine and its place in the tree. It runs on
/// the thread pool as a work item; the mailbox's scheduled flag guarantees one thread at a time.
/// Split by concern: this file posts and processes messages; the other parts hold the lifecycle,
/// supervision and the context given to the actor.
/// </summary>
internal sealed partial class ActorCell : IThreadPoolWorkItem
{
    [ThreadStatic]
    private static ActorCell? t_underConstruction;

    private readonly ActorCell? _parent;
    private readonly ILogger _log;
    private Actor? _actor;
    private volatile CellState _state = CellState.Creating;
    private Envelope _current;

    public ActorCell(ActorSystem system, ActorCell? parent, string path, Props props)
    {
        System = system;
        _parent = parent;
        Path = path;
        Props = props;
        _log = system.KernelLog;
        Mailbox = new Mailbox(props.MailboxCapacity ?? system.Options.DefaultMailboxCapacity);
        Self = new ActorRef(this);
        Timers = new TimerScheduler(this, system.TimeProvider);
        SendSystemMessage(Create.Instance);
    }

    private enum CellState
    {
        /// <summary>Waiting for the Create message: user messages queue up.</summary>
        Creating,
        Running,

        /// <summary>Failed; waiting for the supervisor (and any backoff). Only system messages run.</summary>
        Suspended,

        /// <summary>Waiting for children to stop before making a fresh instance.</summary>
        Restarting,

        /// <summary>Waiting for children to stop before PostStop.</summary>
        Terminating,
        Terminated,
    }

    /// <summary>Lets the Actor base constructor find its cell without a public constructor parameter.</summary>
    public static ActorCell? UnderConstruction => t_underConstruction;

    public ActorSystem System { get; }

    public string Path { get; }

    public Props Props { get; }

    public Mailbox Mailbox { get; }

    public ActorRef Self { get; }

    public TimerScheduler Timers { get; }

    public bool IsTerminated => _state == CellState.Terminated;

    public IActorRef Sender => _current.Sender ?? System.DeadLetters;

    public void Post(in Envelope envelope)
    {
        if (!TryPost(envelope))
        {
            System.DeadLetters.Publish(envelope.Message, envelope.Sender, Self, IsTerminated ? DeadLetterReason.RecipientStopped : DeadLetterReason.MailboxFull);
        }
    }

    public bool TryPost(in Envelope envelope)
    {
        if (IsTerminated || !Mailbox.TryEnqueue(envelope))
        {
            return false;
        }

        AfterEnqueue();
        return true;
    }

    public async ValueTask PostWhenSpaceAsync(Envelope envelope, CancellationToken cancellationToken)
    {
        if (TryPost(envelope))
        {
            return;
        }

        if (await Mailbox.EnqueueWhenSpaceAsync(envelope, () => IsTerminated, cancellationToken).ConfigureAwait(false))
        {
            AfterEnqueue();
        }
        else
        {
            System.DeadLetters.Publish(envelope.Message, envelope.Sender, Self, DeadLetterReason.RecipientStopped);
        }
    }

    public void SendSystemMessage(SystemMessage message)
    {
        Mailbox.EnqueueSystem(message);
        if (IsTerminated)
        {
            AnswerSystemMessagesAfterDeath();
            return;
        }

        ScheduleIfIdle();
    }

    void IThreadPoolWorkItem.Execute() => RunBatch();

    private void AfterEnqueue()
    {
        // The actor may have finished its final drain between our check and our enqueue.
        if (IsTerminated)
        {
            DrainToDeadLetters();
            return;
        }

        ScheduleIfIdle();
    }

    private void ScheduleIfIdle()
    {
        if (Mailbox.TrySetScheduled())
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    /// <summary>Up to Throughput user messages, system messages first, then yield the thread.</summary>
    private void RunBatch()
    {
        var budget = System.Options.Throughput;
        var taken = 0;
        while (true)
        {
            while (Mailbox.TryDequeueSystem(out var systemMessage))
            {
                HandleSystemMessage(systemMessage);
            }

            if (_state != CellState.Running || taken == budget || !Mailbox.TryDequeue(out var envelope))
            {
                break;
            }

            taken++;
            var handling = Invoke(envelope);
            if (handling.IsCompletedSuccessfully)
            {
                continue;
            }

            if (!handling.IsCompleted)
            {
                Mailbox.ReleaseSlots(taken);
                _ = ContinueAfterAsync(handling, envelope);
                return; // Still scheduled: nothing else runs this actor until the handler completes.
            }

            ObserveFailure(handling, envelope);
        }

        _current = default;
        Mailbox.ReleaseSlots(taken);
        if (_state == CellState.Terminated)
        {
            return; // Left "scheduled" for good: a stopped actor never runs again.
        }

        Mailbox.SetIdle();
        var hasWork = Mailbox.HasSystemMessages || (_state == CellState.Running && Mailbox.HasUserMessages);
        if (hasWork)
        {
            ScheduleIfIdle();
        }
    }

    private ValueTask Invoke(in Envelope envelope)
    {
        _current = envelope;
        try
        {
            switch (envelope.Message)
            {
                case TimerFired fired:
                    return Timers.Accept(fired) ? _actor!.InvokeReceive(fired.Message) : default;
                case WatchedActorTerminated watched:
                    return _watching.Remove(watched.Actor) ? _actor!.InvokeReceive(new Terminated(watched.Actor)) : default;
                case BarrierRequest:
                    Sender.Tell(BarrierReached.Instance, Self);
                    return default;
                default:
                    return _actor!.InvokeReceive(envelope.Message);
            }
        }
        catch (Exception exception)
        {
            return ValueTask.FromException(exception);
        }
    }

    private async Task ContinueAfterAsync(ValueTask handling, Envelope envelope)
    {
        try
        {
            await handling.ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            Fail(exception, envelope);
        }

        // Back to the pool rather than running on whichever thread completed the handler.
        _current = default;
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    private void ObserveFailure(ValueTask handling, in Envelope envelope)
    {
        try
        {
            handling.GetAwaiter().GetResult();
        }
        catch (Exception exception)
        {
            Fail(exception, envelope);
        }
    }

    public void Unhandled(object message) =>
        System.DeadLetters.Publish(message, _current.Sender, Self, DeadLetterReason.Unhandled);

    private void DrainToDeadLetters()
    {
        while (Mailbox.TryDequeue(out var envelope))
        {
            Mailbox.ReleaseSlots(1);
            if (envelope.Message is not (WatchedActorTerminated or TimerFired))
            {
                System.DeadLetters.Publish(envelope.Message, envelope.Sender, Self, DeadLetterReason.RecipientStopped);
            }
        }

        Mailbox.ReleaseSpaceWaiters();
    }

    private void HandleSystemMessage(SystemMessage message)
    {
        if (_state == CellState.Terminated)
        {
            AnswerAfterDeath(message);
            return;
        }

        switch (message)
        {
            case Create:
                MakeInstance(restartCause: null);
                break;
            case Terminate:
                BeginTermination();
                break;
            case Recreate recreate:
                BeginRestart(recreate.Cause);
                break;
            case Failed failed:
                HandleChildFailure(failed.Child, failed.Cause);
                break;
            case ChildTerminated terminated:
                HandleChildTerminated(terminated.Child);
                break;
            case Watch watch:
                _watchers.Add(watch.Watcher);
                break;
            case Unwatch unwatch:
                _watchers.Remove(unwatch.Watcher);
                break;
            case DeathWatchNotification notification:
                if (_watching.Contains(notification.Actor))
                {
                    Mailbox.EnqueueBeyondCapacity(new Envelope(new WatchedActorTerminated(notification.Actor), notification.Actor));
                }

                break;
        }
    }

    /// <summary>A stopped actor still answers Watch (with an immediate notification); the rest is moot.</summary>
    private void AnswerSystemMessagesAfterDeath()
    {
        while (Mailbox.TryDequeueSystem(out var message))
        {
            AnswerAfterDeath(message);
        }
    }

    private void AnswerAfterDeath(SystemMessage message)
    {
        if (message is Watch watch)
        {
            watch.Watcher.SendSystemMessage(new DeathWatchNotification(Self));
        }
    }
}
