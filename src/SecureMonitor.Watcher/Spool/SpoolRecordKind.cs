namespace SecureMonitor.Watcher.Spool;

/// <summary>What a spooled envelope carries; decides what may be dropped when the spool is full.
/// The numeric values are stored on disk: never renumber.</summary>
public enum SpoolRecordKind : byte
{
    /// <summary>A threshold alert. Never dropped: refused (loudly) only when the spool is full of alerts.</summary>
    Alert = 1,

    /// <summary>An alert's resolution. Treated like an alert.</summary>
    Resolution = 2,

    /// <summary>A heartbeat. The oldest ones are dropped first when the spool is full: a newer one says more.</summary>
    Heartbeat = 3,

    /// <summary>A control message such as a thresholds-applied acknowledgement. Treated like an alert.</summary>
    Control = 4,
}
