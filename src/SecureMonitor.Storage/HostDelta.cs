namespace SecureMonitor.Storage;

/// <summary>What one append batch does to one host (times in microseconds since the Unix epoch).</summary>
internal sealed class HostDelta(long mark)
{
    public long Mark { get; private set; } = mark;
    public bool Accepted { get; private set; }
    public long FirstSeen { get; private set; } = long.MaxValue;
    public long LastSeen { get; private set; } = long.MinValue;
    public long? LastHeartbeat { get; private set; }

    public void Accept(long sequence, long receivedAt, bool heartbeat)
    {
        Accepted = true;
        Mark = Math.Max(Mark, sequence);
        FirstSeen = Math.Min(FirstSeen, receivedAt);
        LastSeen = Math.Max(LastSeen, receivedAt);
        if (heartbeat) LastHeartbeat = Math.Max(LastHeartbeat ?? long.MinValue, receivedAt);
    }
}
