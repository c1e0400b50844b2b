using SecureMonitor.Protocol;

namespace SecureMonitor.Simulation.Fleet;

/// <summary>What a virtual watcher sent, for counting: the honest traffic and the scenario's deliberate misbehaviour.</summary>
public enum MessageKind
{
    Heartbeat,

    /// <summary>An alert or resolution decided by the watcher's threshold rules.</summary>
    Alert,

    /// <summary>An alert of a storm: one host sending far more than any rule would.</summary>
    Flood,

    /// <summary>A sealed envelope with a bit flipped after sealing.</summary>
    Tampered,

    /// <summary>An envelope the monitor already acknowledged, sent again as the same sealed bytes.</summary>
    Replayed,
}

/// <summary>How the monitor answered one envelope.</summary>
public enum AnswerKind
{
    Accepted,
    Duplicate,
    Rejected,

    /// <summary>The connection ended (or was never up) before an answer came: the envelope may or may not have been stored.</summary>
    Unanswered,
}

/// <summary>One answer: for a rejection, its reason; for acknowledgements, the high-water mark they carried.</summary>
public readonly record struct Answer(AnswerKind Kind, RejectionReason Reason = RejectionReason.None, ulong HighWaterMark = 0)
{
    public static readonly Answer Accepted = new(AnswerKind.Accepted);
    public static readonly Answer Duplicate = new(AnswerKind.Duplicate);
    public static readonly Answer Unanswered = new(AnswerKind.Unanswered);

    public static Answer Rejected(RejectionReason reason) => new(AnswerKind.Rejected, reason);

    /// <summary>Same kind and, for rejections, same reason (the mark is not compared).</summary>
    public bool Matches(Answer other) => Kind == other.Kind && (Kind != AnswerKind.Rejected || Reason == other.Reason);

    public override string ToString() => Kind == AnswerKind.Rejected ? $"rejected ({Reason.ToMetricName()})" : Kind.ToString().ToLowerInvariant();
}

/// <summary>Counts of one kind of message: sent, and how the monitor answered.</summary>
public sealed record KindTally(long Sent, long Accepted, long Duplicate, long Unanswered, IReadOnlyDictionary<RejectionReason, long> Rejected)
{
    public static readonly KindTally Empty = new(0, 0, 0, 0, new Dictionary<RejectionReason, long>());

    public long RejectedTotal => Rejected.Values.Sum();

    /// <summary>Answered at all (accepted, duplicate or rejected).</summary>
    public long Answered => Accepted + Duplicate + RejectedTotal;

    public KindTally Plus(KindTally other)
    {
        var rejected = new Dictionary<RejectionReason, long>(Rejected);
        foreach (var (reason, count) in other.Rejected)
        {
            rejected[reason] = rejected.GetValueOrDefault(reason) + count;
        }
        return new KindTally(Sent + other.Sent, Accepted + other.Accepted, Duplicate + other.Duplicate, Unanswered + other.Unanswered, rejected);
    }
}

/// <summary>An answer that was not the one the protocol calls for (for example an honest heartbeat rejected).</summary>
public sealed record Surprise(string HostId, MessageKind Kind, ulong Sequence, Answer Expected, Answer Got)
{
    public override string ToString() => $"{HostId} {Kind.ToString().ToLowerInvariant()} #{Sequence}: expected {Expected}, got {Got}";
}

/// <summary>Everything one virtual watcher counted, as of one moment.</summary>
public sealed record WatcherTally(string HostId, IReadOnlyDictionary<MessageKind, KindTally> Kinds, long Surprises, IReadOnlyList<Surprise> SurpriseExamples)
{
    public KindTally Of(MessageKind kind) => Kinds.GetValueOrDefault(kind) ?? KindTally.Empty;

    public KindTally Total => Kinds.Values.Aggregate(KindTally.Empty, (sum, tally) => sum.Plus(tally));
}
