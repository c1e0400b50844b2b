namespace SecureMonitor.Actors.Internal;

/// <summary>Deciding about failed children: restart with backoff, stop, or escalate.</summary>
internal sealed partial class ActorCell
{
    private readonly Dictionary<ActorCell, RestartStatistics> _restartStatistics = [];

    private SupervisorStrategy Strategy => Props.SupervisorStrategy ?? System.Options.DefaultSupervisorStrategy;

    private void HandleChildFailure(ActorCell child, Exception cause)
    {
        if (!IsLiveChild(child) || _state is CellState.Terminating or CellState.Terminated or CellState.Restarting)
        {
            return; // Already being stopped along with us.
        }

        var strategy = Strategy;
        var directive = strategy.Decider(cause);
        if (directive == Directive.Restart)
        {
            directive = TryScheduleRestart(child, cause, strategy);
        }

        if (directive == Directive.Escalate && _parent is null)
        {
            directive = Directive.Stop; // Nothing above the guardian to escalate to.
        }

        switch (directive)
        {
            case Directive.Stop:
                _log.StoppingFailedChild(child.Path, cause.GetType().Name);
                child.SendSystemMessage(Terminate.Instance);
                break;
            case Directive.Escalate:
                _log.Escalating(Path, child.Path);
                Suspend(cause);
                break;
        }
    }

    /// <summary>Restart now or after the backoff; past the limit, returns what to do instead.</summary>
    private Directive TryScheduleRestart(ActorCell child, Exception cause, SupervisorStrategy strategy)
    {
        if (!_restartStatistics.TryGetValue(child, out var statistics))
        {
            _restartStatistics[child] = statistics = new RestartStatistics();
        }

        if (!statistics.TryRecordRestart(System.TimeProvider.GetUtcNow(), strategy, out var delay))
        {
            _log.RestartsExhausted(child.Path, strategy.MaxRetries, strategy.Within, strategy.WhenExhausted);
            return strategy.WhenExhausted;
        }

        _log.Restarting(child.Path, delay, statistics.RestartsInWindow);
        var recreate = new Recreate(cause);
        if (delay <= TimeSpan.Zero)
        {
            child.SendSystemMessage(recreate);
        }
        else
        {
            statistics.ArmBackoff(System.TimeProvider.CreateTimer(
                static state =>
                {
                    var (target, message) = ((ActorCell, Recreate))state!;
                    target.SendSystemMessage(message);
                },
                (child, recreate),
                delay,
                Timeout.InfiniteTimeSpan));
        }

        return Directive.Restart;
    }

    private void ForgetRestartStatistics(ActorCell child)
    {
        if (_restartStatistics.Remove(child, out var statistics))
        {
            statistics.Dispose();
        }
    }
}
