using SecureMonitor.Protocol;

namespace SecureMonitor.Monitor.Verification;

/// <summary>What happened to one sealed envelope.</summary>
public readonly record struct VerificationOutcome(VerificationStatus Status, ulong Sequence, ulong HighWaterMark, RejectionReason Reason)
{
    public static VerificationOutcome Accepted(ulong sequence) => new(VerificationStatus.Accepted, sequence, sequence, RejectionReason.None);

    public static VerificationOutcome Duplicate(ulong sequence, ulong highWaterMark) =>
        new(VerificationStatus.Duplicate, sequence, highWaterMark, RejectionReason.Replay);

    public static VerificationOutcome Rejected(RejectionReason reason, ulong sequence = 0) =>
        new(VerificationStatus.Rejected, sequence, 0, reason);
}

public enum VerificationStatus
{
    /// <summary>Verified, fresh, durably stored: acknowledge as accepted.</summary>
    Accepted,

    /// <summary>Verified but already processed: acknowledge as duplicate, process nothing.</summary>
    Duplicate,

    /// <summary>Failed a check: tell the peer why, count it, process nothing.</summary>
    Rejected,
}
