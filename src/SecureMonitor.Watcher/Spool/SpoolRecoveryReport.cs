namespace SecureMonitor.Watcher.Spool;

/// <summary>What <see cref="DurableSpool.Open"/> found and repaired. A torn tail after kill -9 is
/// expected; anything in <see cref="Corruptions"/> is not and deserves a loud log line.</summary>
public sealed record SpoolRecoveryReport(
    int SegmentsScanned,
    int RecordsScanned,
    int PendingRecords,
    int SegmentsDeleted,
    long TornTailBytesTruncated,
    long AckLogBytesDiscarded,
    IReadOnlyList<SpoolCorruption> Corruptions)
{
    /// <summary>Nothing was truncated, discarded or skipped.</summary>
    public bool IsClean => TornTailBytesTruncated == 0 && AckLogBytesDiscarded == 0 && Corruptions.Count == 0;
}

/// <summary>Damage found at open outside the tail of the last segment. The readable records before
/// <see cref="Offset"/> are kept; the <see cref="BytesSkipped"/> after it are lost.</summary>
public sealed record SpoolCorruption(string File, long Offset, long BytesSkipped, string Reason);
