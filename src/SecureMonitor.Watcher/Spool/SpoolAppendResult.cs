namespace SecureMonitor.Watcher.Spool;

/// <summary>The outcome of <see cref="DurableSpool.Append"/>. Only <see cref="Appended"/> means the
/// envelope is stored; the caller must log the others loudly and report them in the next heartbeat.</summary>
public enum SpoolAppendResult
{
    /// <summary>Stored and fsync'd (older heartbeats may have been dropped to make room: see
    /// <see cref="DurableSpool.DroppedHeartbeats"/>).</summary>
    Appended,

    /// <summary>A heartbeat that did not fit even after dropping every older heartbeat; not stored.</summary>
    HeartbeatDropped,

    /// <summary>An alert, resolution or control envelope that did not fit even after dropping every
    /// heartbeat; not stored. Counted in <see cref="DurableSpool.RefusedAlerts"/>.</summary>
    Refused,
}
