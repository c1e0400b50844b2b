namespace SecureMonitor.Protocol.Wire;

/// <summary>Size limits of one connection's frames.</summary>
public sealed record FrameLimits
{
    /// <summary>Default payload limit: an alert is a few hundred bytes; 64 KiB leaves room for batches.</summary>
    public const int DefaultMaxFrameBytes = 64 * 1024;

    /// <summary>Upper bound of any configuration, so a typo cannot let a peer make us buffer gigabytes.</summary>
    public const int AbsoluteMaxFrameBytes = 16 * 1024 * 1024;

    /// <summary>Limits used unless a connection is configured otherwise.</summary>
    public static FrameLimits Default { get; } = new(DefaultMaxFrameBytes);

    public FrameLimits(int maxFrameBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrameBytes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxFrameBytes, AbsoluteMaxFrameBytes);
        MaxFrameBytes = maxFrameBytes;
    }

    /// <summary>Largest payload (excluding the 4-byte length prefix) accepted or sent.</summary>
    public int MaxFrameBytes { get; }
}
