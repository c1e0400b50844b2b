namespace SecureMonitor.Watcher.Spool;

/// <summary>The spool's state and counters (since open), for the heartbeat and for logs.</summary>
public sealed record SpoolSnapshot(
    int Count,
    long Bytes,
    long MaxBytes,
    long DiskBytes,
    int Segments,
    bool IsFull,
    long DroppedHeartbeats,
    long RefusedAlerts);
