namespace SecureMonitor.Storage;

/// <summary>Base of the store's own failures (as opposed to I/O or driver errors, which pass through).</summary>
public abstract class MonitorStoreException : Exception
{
    protected MonitorStoreException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>
/// A write carried a fence whose epoch is not the lease's current epoch (or the lease has been released):
/// the writer is no longer leader. Nothing of that write was stored. The caller must step down and must
/// not acknowledge anything the write contained.
/// </summary>
public sealed class StaleFenceException : MonitorStoreException
{
    public StaleFenceException(WriteFence fence, long currentEpoch, string? currentHolder)
        : base(currentHolder is null
            ? $"Write refused: fence epoch {fence.Epoch} but the lease is released (epoch {currentEpoch}); this node is not leader."
            : $"Write refused: fence epoch {fence.Epoch} but the lease is at epoch {currentEpoch}, held by '{currentHolder}'; this node is not leader.")
    {
        Fence = fence;
        CurrentEpoch = currentEpoch;
        CurrentHolder = currentHolder;
    }

    public WriteFence Fence { get; }
    public long CurrentEpoch { get; }
    public string? CurrentHolder { get; }
}

/// <summary>The database was migrated by a newer build: this build refuses to touch it.</summary>
public sealed class SchemaTooNewException : MonitorStoreException
{
    public SchemaTooNewException(string location, int databaseVersion, int knownVersion)
        : base($"The monitor database at {location} has schema version {databaseVersion}, newer than the {knownVersion} this build knows. " +
               "It was written by a newer SecureMonitor; upgrade this node (migrations are forward-only, there is no downgrade).")
    {
        DatabaseVersion = databaseVersion;
        KnownVersion = knownVersion;
    }

    public int DatabaseVersion { get; }
    public int KnownVersion { get; }
}

/// <summary>An incident upsert carried a version other than the stored one (someone else changed it first).</summary>
public sealed class IncidentVersionConflictException : MonitorStoreException
{
    public IncidentVersionConflictException(string incidentId, long expectedVersion, long? storedVersion)
        : base(storedVersion is null
            ? $"Incident '{incidentId}' was expected at version {expectedVersion} but does not exist."
            : $"Incident '{incidentId}' was expected at version {expectedVersion} but is stored at version {storedVersion}.")
    {
        IncidentId = incidentId;
        ExpectedVersion = expectedVersion;
        StoredVersion = storedVersion;
    }

    public string IncidentId { get; }
    public long ExpectedVersion { get; }
    public long? StoredVersion { get; }
}

/// <summary>Stored data failed strict parsing (bad JSON, unknown enum text): the database was altered outside the store.</summary>
public sealed class StoredDataException : MonitorStoreException
{
    public StoredDataException(string message, Exception? inner = null) : base(message, inner) { }
}
