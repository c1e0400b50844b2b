namespace SecureMonitor.Protocol;

/// <summary>
/// Why a connection, frame or envelope was refused. Every rejection is counted per host and
/// reason, so this one enum is used by the transport, the opener and the host actors alike.
/// </summary>
/// <remarks>
/// The numbers equal those of the wire enum <c>RejectionReasonCode</c> (securemonitor.proto), so
/// <see cref="RejectionReasonNames.ToWireCode"/> is a checked cast. Never renumber a member.
/// </remarks>
public enum RejectionReason
{
    /// <summary>No rejection: the default value, never counted.</summary>
    None = 0,
    UnknownHost = 1,
    Revoked = 2,
    WrongRole = 3,
    HostMismatch = 4,
    BadTag = 5,
    BadHmac = 6,
    Replay = 7,
    UnknownKeyId = 8,
    KeyExpired = 9,
    Malformed = 10,
    Oversized = 11,
    UnknownVersion = 12,
    HandshakeFailed = 13,
    HandshakeTimeout = 14,
    NotLeader = 15,
    RateLimited = 16,

    // Why a TLS handshake was refused, in more detail than HandshakeFailed (which remains for the rest:
    // a peer that aborts mid-handshake, anything unrecognised). Never sent in a frame: a refused
    // handshake has no frame to carry it; counted and logged only.
    NoClientCertificate = 17,
    ForeignCa = 18,
    CertificateExpired = 19,
    CertificateNotYetValid = 20,
    ProtocolMismatch = 21,
    NotTls = 22,
}
