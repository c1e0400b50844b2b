namespace SecureMonitor.Storage.Sqlite;

/// <summary>Where and how the embedded store keeps its one database file.</summary>
public sealed record SqliteMonitorStoreOptions
{
    /// <summary>The database file's name inside <see cref="DataDirectory"/>.</summary>
    public const string FileName = "monitor.db";

    /// <summary>The monitor's data directory; created if missing. The database is <c>monitor.db</c> in it (plus its -wal and -shm files).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Read connections kept for queries (writes use one connection of their own).</summary>
    public int ReadConnections { get; init; } = 4;

    /// <summary>How long a statement waits for another process's lock before failing with SQLITE_BUSY.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Rows deleted per prune transaction: bounds how long pruning holds the write lock.</summary>
    public int PruneBatchSize { get; init; } = 5_000;

    /// <summary>Clock for bookkeeping times (when a migration was applied).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
