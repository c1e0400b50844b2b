namespace SecureMonitor.Actors.Internal;

/// <summary>Creating, restarting and stopping the actor instance.</summary>
internal sealed partial class ActorCell
{
    private Exception? _restartCause;
    private readonly TaskCompletionSource _whenTerminated = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task WhenTerminated => _whenTerminated.Task;

    /// <summary>A fresh instance from the props' factory, then PreStart (or PostRestart).</summary>
    private void MakeInstance(Exception? restartCause)
    {
        try
        {
            t_underConstruction = this;
            try
            {
                _actor = Props.Factory();
            }
            finally
            {
                t_underConstruction = null;
            }

            _state = CellState.Running;
            if (restartCause is null)
            {
                _actor.InvokePreStart();
            }
            else
            {
                _actor.InvokePostRestart(restartCause);
            }
        }
        catch (Exception exception)
        {
            _log.StartFailed(Path, exception);
            Suspend(exception);
        }
    }

    private void Fail(Exception exception, in Envelope envelope)
    {
        _log.ActorFailed(Path, DescribeMessage(envelope.Message), exception);
        Suspend(exception);
    }

    /// <summary>Stops processing user messages and asks the supervisor what to do.</summary>
    private void Suspend(Exception cause)
    {
        if (_state is CellState.Terminating or CellState.Terminated)
        {
            return;
        }

        _state = CellState.Suspended;
        if (_parent is null)
        {
            BeginTermination(); // The guardian has no one to report to.
            return;
        }

        _parent.SendSystemMessage(new Failed(this, cause));
    }

    private void BeginRestart(Exception cause)
    {
        if (_state != CellState.Suspended)
        {
            return; // Stopped (or stopping) in the meantime.
        }

        RunHook("PreRestart", cause, static (actor, reason) => actor.InvokePreRestart(reason!));
        _actor = null;
        Timers.CancelAll();
        _restartCause = cause;
        _state = CellState.Restarting;
        StopAllChildren();
        CompleteRestartWhenChildrenGone();
    }

    private void CompleteRestartWhenChildrenGone()
    {
        if (_state == CellState.Restarting && ChildCount == 0)
        {
            MakeInstance(_restartCause);
            _restartCause = null;
        }
    }

    private void BeginTermination()
    {
        if (_state is CellState.Terminating or CellState.Terminated)
        {
            return;
        }

        _state = CellState.Terminating;
        Timers.CancelAll();
        StopAllChildren();
        CompleteTerminationWhenChildrenGone();
    }

    /// <summary>Children are gone: PostStop, then tell watchers and the parent, then dead-letter the rest.</summary>
    private void CompleteTerminationWhenChildrenGone()
    {
        if (_state != CellState.Terminating || ChildCount != 0)
        {
            return;
        }

        RunHook("PostStop", null, static (actor, _) => actor.InvokePostStop());
        _actor = null;
        _state = CellState.Terminated;
        Interlocked.MemoryBarrier(); // Publish the state before draining; pairs with enqueue-then-check in Post.

        foreach (var watcher in _watchers)
        {
            watcher.SendSystemMessage(new DeathWatchNotification(Self));
        }

        foreach (var watched in _watching)
        {
            if (watched is IInternalActorRef target)
            {
                target.SendSystemMessage(new Unwatch(target, Self));
            }
        }

        _watchers.Clear();
        _watching.Clear();
        _parent?.SendSystemMessage(new ChildTerminated(this));
        DrainToDeadLetters();
        _log.Stopped(Path);
        _whenTerminated.TrySetResult();
    }

    private void RunHook(string hook, Exception? reason, Action<Actor, Exception?> run)
    {
        if (_actor is null)
        {
            return;
        }

        try
        {
            run(_actor, reason);
        }
        catch (Exception exception)
        {
            _log.HookFailed(hook, Path, exception);
        }
    }

    private static string DescribeMessage(object? message) => message switch
    {
        null => "(none)",
        TimerFired fired => fired.Message.GetType().Name,
        _ => message.GetType().Name,
    };
}
