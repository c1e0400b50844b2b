namespace SecureMonitor.Protocol.Wire;

/// <summary>Builds frames of the current protocol version, one method per body.</summary>
public static class Frames
{
    /// <param name="cumulativeAcks">Ask the monitor for cumulative acknowledgements (see the Ack message).</param>
    public static Frame Hello(string hostId, string agentVersion, bool cumulativeAcks = false) =>
        new()
        {
            ProtocolVersion = ProtocolVersion.Current,
            Hello = new ClientHello { HostId = hostId, AgentVersion = agentVersion, CumulativeAcks = cumulativeAcks },
        };

    public static Frame Envelope(SealedEnvelope envelope) =>
        new() { ProtocolVersion = ProtocolVersion.Current, Envelope = envelope };

    public static Frame Ack(ulong sequence, AckStatus status, ulong highWaterMark) =>
        new() { ProtocolVersion = ProtocolVersion.Current, Ack = new Ack { Sequence = sequence, Status = status, HighWaterMark = highWaterMark } };

    public static Frame NotLeader(IEnumerable<string> tryEndpoints, string leaderNode)
    {
        var notLeader = new NotLeader { LeaderNode = leaderNode };
        notLeader.TryEndpoints.Add(tryEndpoints);
        return new Frame { ProtocolVersion = ProtocolVersion.Current, NotLeader = notLeader };
    }

    public static Frame Rejection(RejectionReason reason, string detail, ulong sequence = 0) =>
        new() { ProtocolVersion = ProtocolVersion.Current, Rejection = new Rejection { Reason = reason.ToWireCode(), Detail = detail, Sequence = sequence } };
}
