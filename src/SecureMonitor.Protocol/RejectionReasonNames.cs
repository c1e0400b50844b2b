using SecureMonitor.Protocol.Wire;

namespace SecureMonitor.Protocol;

/// <summary>Stable names of <see cref="RejectionReason"/> for metrics, logs and the wire.</summary>
public static class RejectionReasonNames
{
    /// <summary>
    /// The snake_case name used as a metric label and in logs (<c>bad_hmac</c>). These names are
    /// part of the monitoring contract: dashboards and alert rules match on them.
    /// </summary>
    public static string ToMetricName(this RejectionReason reason) => reason switch
    {
        RejectionReason.None => "none",
        RejectionReason.UnknownHost => "unknown_host",
        RejectionReason.Revoked => "revoked",
        RejectionReason.WrongRole => "wrong_role",
        RejectionReason.HostMismatch => "host_mismatch",
        RejectionReason.BadTag => "bad_tag",
        RejectionReason.BadHmac => "bad_hmac",
        RejectionReason.Replay => "replay",
        RejectionReason.UnknownKeyId => "unknown_key_id",
        RejectionReason.KeyExpired => "key_expired",
        RejectionReason.Malformed => "malformed",
        RejectionReason.Oversized => "oversized",
        RejectionReason.UnknownVersion => "unknown_version",
        RejectionReason.HandshakeFailed => "handshake_failed",
        RejectionReason.HandshakeTimeout => "handshake_timeout",
        RejectionReason.NotLeader => "not_leader",
        RejectionReason.RateLimited => "rate_limited",
        RejectionReason.NoClientCertificate => "no_client_certificate",
        RejectionReason.ForeignCa => "foreign_ca",
        RejectionReason.CertificateExpired => "certificate_expired",
        RejectionReason.CertificateNotYetValid => "certificate_not_yet_valid",
        RejectionReason.ProtocolMismatch => "protocol_mismatch",
        RejectionReason.NotTls => "not_tls",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "Not a RejectionReason."),
    };

    /// <summary>The wire code sent in a <see cref="Rejection"/> frame.</summary>
    public static RejectionReasonCode ToWireCode(this RejectionReason reason) =>
        Enum.IsDefined(reason)
            ? (RejectionReasonCode)(int)reason
            : throw new ArgumentOutOfRangeException(nameof(reason), reason, "Not a RejectionReason.");

    /// <summary>
    /// Reads a wire code from a peer. A code this version does not know is reported as
    /// <see cref="RejectionReason.None"/>, never as some other reason.
    /// </summary>
    public static RejectionReason FromWireCode(RejectionReasonCode code)
    {
        var reason = (RejectionReason)(int)code;
        return Enum.IsDefined(reason) ? reason : RejectionReason.None;
    }
}
