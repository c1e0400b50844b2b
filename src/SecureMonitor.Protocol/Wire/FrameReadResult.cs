namespace SecureMonitor.Protocol.Wire;

/// <summary>
/// One frame, or why none could be read. Peer errors are results, not exceptions, so the
/// connection handler closes with a counted reason (<see cref="ToRejectionReason"/>).
/// </summary>
public readonly record struct FrameReadResult
{
    private FrameReadResult(FrameReadStatus status, Frame? frame, long declaredLength, uint version, string? error)
    {
        Status = status;
        Frame = frame;
        DeclaredLength = declaredLength;
        Version = version;
        Error = error;
    }

    public FrameReadStatus Status { get; }

    /// <summary>The frame when <see cref="Status"/> is <see cref="FrameReadStatus.Frame"/>, else null.</summary>
    public Frame? Frame { get; }

    /// <summary>The length prefix as sent, for <see cref="FrameReadStatus.Oversized"/> (and any complete prefix).</summary>
    public long DeclaredLength { get; }

    /// <summary>The version the peer sent, for <see cref="FrameReadStatus.UnknownVersion"/>.</summary>
    public uint Version { get; }

    /// <summary>The parser's message for <see cref="FrameReadStatus.Malformed"/>; peer-controlled text, log it escaped.</summary>
    public string? Error { get; }

    public bool IsFrame => Status == FrameReadStatus.Frame && Frame is not null;

    public static FrameReadResult Success(Frame frame, long length) => new(FrameReadStatus.Frame, frame, length, frame.ProtocolVersion, null);
    public static FrameReadResult EndOfStream() => new(FrameReadStatus.EndOfStream, null, 0, 0, null);
    public static FrameReadResult Truncated(long declaredLength) => new(FrameReadStatus.Truncated, null, declaredLength, 0, null);
    public static FrameReadResult Oversized(long declaredLength) => new(FrameReadStatus.Oversized, null, declaredLength, 0, null);
    public static FrameReadResult ZeroLength() => new(FrameReadStatus.ZeroLength, null, 0, 0, null);
    public static FrameReadResult Malformed(long length, string error) => new(FrameReadStatus.Malformed, null, length, 0, error);
    public static FrameReadResult UnknownVersion(long length, uint version) => new(FrameReadStatus.UnknownVersion, null, length, version, null);

    /// <summary>The reason to count when closing, or <see cref="RejectionReason.None"/> for a frame or a clean end.</summary>
    public RejectionReason ToRejectionReason() => Status switch
    {
        FrameReadStatus.Frame or FrameReadStatus.EndOfStream => RejectionReason.None,
        FrameReadStatus.Oversized => RejectionReason.Oversized,
        FrameReadStatus.UnknownVersion => RejectionReason.UnknownVersion,
        _ => RejectionReason.Malformed,
    };

    public override string ToString() => Status switch
    {
        FrameReadStatus.Frame => $"Frame({Frame!.BodyCase}, {DeclaredLength} B)",
        FrameReadStatus.Oversized => $"Oversized({DeclaredLength} B)",
        FrameReadStatus.UnknownVersion => $"UnknownVersion({Version})",
        FrameReadStatus.Malformed => $"Malformed({DeclaredLength} B)",
        _ => Status.ToString(),
    };
}
