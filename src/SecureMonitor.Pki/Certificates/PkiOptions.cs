namespace SecureMonitor.Pki;

/// <summary>Certificate lifetimes used when issuing.</summary>
public sealed record PkiOptions
{
    public static PkiOptions Default { get; } = new();

    public TimeSpan CaValidity { get; init; } = TimeSpan.FromDays(3653);

    /// <summary>Monitor, watcher and admin certificates; capped at the CA's own expiry.</summary>
    public TimeSpan LeafValidity { get; init; } = TimeSpan.FromDays(731);

    /// <summary>Certificates start this far in the past so a host whose clock runs slightly behind accepts them.</summary>
    public TimeSpan BackdateForClockSkew { get; init; } = TimeSpan.FromMinutes(5);
}
