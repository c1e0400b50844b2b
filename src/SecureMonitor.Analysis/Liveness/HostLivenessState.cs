namespace SecureMonitor.Analysis.Liveness;

/// <summary>What the monitor believes about one host's watcher.</summary>
public enum HostLivenessState
{
    /// <summary>No heartbeat yet.</summary>
    Unknown = 0,

    /// <summary>Heartbeats arrive as expected.</summary>
    Up = 1,

    /// <summary>Heartbeats are late enough to be suspicious (phi at or above the threshold).</summary>
    Unreachable = 2,

    /// <summary>Silent for at least <see cref="HostLivenessOptions.DownAfter"/>.</summary>
    Down = 3,
}
