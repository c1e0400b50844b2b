namespace SecureMonitor.Actors.Internal;

/// <summary>One child's restart history, kept by its parent (touched only on the parent's thread).</summary>
internal sealed class RestartStatistics : IDisposable
{
    private int _restartsInWindow;
    private DateTimeOffset _windowStart;
    private int _consecutive;
    private DateTimeOffset _lastRestartAt;
    private ITimer? _backoffTimer;

    public int RestartsInWindow => _restartsInWindow;

    /// <summary>Counts a restart; false once the strategy's limit within its window is exceeded.</summary>
    public bool TryRecordRestart(DateTimeOffset now, SupervisorStrategy strategy, out TimeSpan delay)
    {
        if (_restartsInWindow == 0 || now - _windowStart > strategy.Within)
        {
            _windowStart = now;
            _restartsInWindow = 0;
        }

        if (_consecutive > 0 && now - _lastRestartAt >= strategy.ResetBackoffAfter)
        {
            _consecutive = 0;
        }

        if (++_restartsInWindow > strategy.MaxRetries)
        {
            delay = TimeSpan.Zero;
            return false;
        }

        delay = strategy.BackoffFor(_consecutive++);
        _lastRestartAt = now + delay;
        return true;
    }

    public void ArmBackoff(ITimer timer)
    {
        _backoffTimer?.Dispose();
        _backoffTimer = timer;
    }

    public void Dispose() => _backoffTimer?.Dispose();
}
