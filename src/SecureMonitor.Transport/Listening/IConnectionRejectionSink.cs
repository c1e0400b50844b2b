using System.Net;
using SecureMonitor.Protocol;

namespace SecureMonitor.Transport.Listening;

/// <summary>
/// Receives every connection or message the node refuses, so it can be counted per host and reason
/// and reported. <paramref name="hostId"/> is null when the peer never proved an identity (a failed
/// handshake). Implementations must be thread-safe and must not throw.
/// </summary>
public interface IConnectionRejectionSink
{
    void Reject(string? hostId, RejectionReason reason, string detail, EndPoint? remote);
}
