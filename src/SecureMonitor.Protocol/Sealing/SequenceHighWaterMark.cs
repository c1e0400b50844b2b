namespace SecureMonitor.Protocol.Sealing;

/// <summary>
/// A host's replay guard: the highest sequence durably processed. Pure and not thread-safe; the
/// host actor owns one and persists <see cref="Committed"/>.
/// </summary>
/// <remarks>
/// Sequences start at 1, so 0 (the initial mark) is never fresh. Gaps are allowed: a watcher
/// whose spool overflowed drops heartbeats. Anything at or below the mark is a duplicate, which
/// relies on the watcher sending in sequence order (its spool is FIFO) and the monitor committing
/// in arrival order; a resend after failover therefore repeats only already-counted sequences
/// or fresh ones.
/// </remarks>
public sealed class SequenceHighWaterMark
{
    public SequenceHighWaterMark(ulong committed = 0) => Committed = committed;

    public ulong Committed { get; private set; }

    public SequenceClass Classify(ulong sequence) => sequence > Committed ? SequenceClass.Fresh : SequenceClass.Duplicate;

    /// <summary>Raises the mark to <paramref name="sequence"/>; committing at or below it changes nothing.</summary>
    public void Commit(ulong sequence)
    {
        if (sequence > Committed)
        {
            Committed = sequence;
        }
    }
}
