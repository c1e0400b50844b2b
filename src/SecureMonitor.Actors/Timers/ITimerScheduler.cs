namespace SecureMonitor.Actors;

/// <summary>
/// Per-actor timers on the system's TimeProvider. Their messages arrive through the mailbox, sent by
/// the actor itself; starting a key again replaces its timer; all are cancelled on stop and restart,
/// and a message still queued from a cancelled timer is not delivered.
/// </summary>
public interface ITimerScheduler
{
    void StartSingle(object key, object message, TimeSpan delay);

    void StartPeriodic(object key, object message, TimeSpan interval);

    void StartPeriodic(object key, object message, TimeSpan initialDelay, TimeSpan interval);

    bool IsActive(object key);

    void Cancel(object key);

    void CancelAll();
}
