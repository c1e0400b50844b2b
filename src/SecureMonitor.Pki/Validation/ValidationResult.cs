using System.Diagnostics.CodeAnalysis;

namespace SecureMonitor.Pki;

/// <summary>
/// The verdict on a peer certificate. On failure <see cref="FailureReason"/> is a short, stable,
/// lower-case phrase ("revoked", "not issued by this CA", ...) fit for counting per reason and logging.
/// </summary>
public sealed record ValidationResult
{
    private ValidationResult(CertificateIdentity? identity, string? failureReason)
    {
        Identity = identity;
        FailureReason = failureReason;
    }

    [MemberNotNullWhen(true, nameof(Identity))]
    [MemberNotNullWhen(false, nameof(FailureReason))]
    public bool Ok => Identity is not null;

    public CertificateIdentity? Identity { get; }
    public string? FailureReason { get; }

    public static ValidationResult Success(CertificateIdentity identity) => new(identity, null);

    public static ValidationResult Failure(string reason) => new(null, reason);

    public override string ToString() => Ok ? $"valid: {Identity}" : $"invalid: {FailureReason}";
}

/// <summary>The failure reasons the validators give.</summary>
public static class ValidationFailures
{
    public const string NoClientCertificate = "no client certificate";
    public const string NoServerCertificate = "no server certificate";
    public const string NotIssuedByThisCa = "not issued by this CA";
    public const string Revoked = "revoked";
    public const string Expired = "expired";
    public const string NotYetValid = "not yet valid";
    public const string CaExpired = "CA certificate expired";
    public const string NotAClientCertificate = "not a client certificate";
    public const string NotAServerCertificate = "not a server certificate";
    public const string NotAMonitor = "not a monitor certificate";
    public const string NameMismatch = "name mismatch";
    public const string NoRole = "no role";
}
