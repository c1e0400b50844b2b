namespace SecureMonitor.Protocol.Wire;

/// <summary>Outcome of reading one frame. Everything but <see cref="Frame"/> ends the connection.</summary>
/// <remarks>Numbered from 1 so that a default <see cref="FrameReadResult"/> (no result yet) is none of these.</remarks>
public enum FrameReadStatus
{
    /// <summary>A well-formed frame of the current protocol version.</summary>
    Frame = 1,

    /// <summary>The peer closed the stream cleanly between two frames.</summary>
    EndOfStream = 2,

    /// <summary>The stream ended inside a frame (in the length prefix or the payload).</summary>
    Truncated = 3,

    /// <summary>The length prefix exceeds the limit; nothing of the payload was read or buffered.</summary>
    Oversized = 4,

    /// <summary>The length prefix is zero, which no valid frame has.</summary>
    ZeroLength = 5,

    /// <summary>The payload is not a valid <see cref="Wire.Frame"/> or has no body.</summary>
    Malformed = 6,

    /// <summary>The frame parsed but carries a protocol version other than <see cref="ProtocolVersion.Current"/>.</summary>
    UnknownVersion = 7,
}
