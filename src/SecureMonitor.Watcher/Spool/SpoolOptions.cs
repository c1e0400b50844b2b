namespace SecureMonitor.Watcher.Spool;

/// <summary>Limits of a <see cref="DurableSpool"/>.</summary>
public sealed record SpoolOptions
{
    /// <summary>Most bytes (record headers + sealed envelopes) of unacknowledged records. Default 64 MiB.</summary>
    public long MaxBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>A segment file is closed for appends once the next record would take it past this. Default 1 MiB.</summary>
    public int SegmentBytes { get; init; } = 1024 * 1024;

    /// <summary>Largest sealed envelope accepted. Default 1 MiB (envelopes are a few hundred bytes).</summary>
    public int MaxRecordBytes { get; init; } = 1024 * 1024;

    /// <summary>Acknowledgements written to the ack log between two fsyncs of it. Each one is written
    /// to the file at once (so it survives kill -9); only a power loss can lose up to this many, and a
    /// lost acknowledgement merely causes a resend that the monitor answers as DUPLICATE. Default 256.</summary>
    public int AckSyncInterval { get; init; } = 256;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(SegmentBytes, 64);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRecordBytes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxRecordBytes, DurableSpool.FormatMaxPayloadBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(AckSyncInterval, 1);
    }
}
