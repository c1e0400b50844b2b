using SecureMonitor.Protocol;

namespace SecureMonitor.Monitor.Verification;

/// <summary>What happened to one sealed envelope. <see cref="KeyId"/> is the key the watcher sealed
/// with (0 when it did not verify): replies to it are sealed under the same key id.
/// <see cref="Storage"/> says when an accepted message is stored; acknowledge only then.</summary>
public readonly record struct VerificationOutcome(VerificationStatus Status, ulong Sequence, ulong HighWaterMark, RejectionReason Reason, uint KeyId,
    AcceptedMessage Storage)
{
    public static VerificationOutcome Accepted(ulong sequence, uint keyId, AcceptedMessage storage) =>
        new(VerificationStatus.Accepted, sequence, sequence, RejectionReason.None, keyId, storage);

    public static VerificationOutcome Duplicate(ulong sequence, ulong highWaterMark, uint keyId) =>
        new(VerificationStatus.Duplicate, sequence, highWaterMark, RejectionReason.Replay, keyId, AcceptedMessage.Stored);

    public static VerificationOutcome Rejected(RejectionReason reason, ulong sequence = 0) =>
        new(VerificationStatus.Rejected, sequence, 0, reason, 0, AcceptedMessage.Stored);
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
