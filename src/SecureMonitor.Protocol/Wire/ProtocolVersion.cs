namespace SecureMonitor.Protocol.Wire;

/// <summary>Versions carried on the wire.</summary>
public static class ProtocolVersion
{
    /// <summary>The only <see cref="Frame.ProtocolVersion"/> this build speaks; any other is rejected.</summary>
    public const uint Current = 1;
}
