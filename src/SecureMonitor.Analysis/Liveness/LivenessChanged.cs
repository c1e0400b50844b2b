namespace SecureMonitor.Analysis.Liveness;

/// <summary>
/// A host's liveness changed at <paramref name="At"/>; <paramref name="Phi"/> and <paramref name="Silence"/> (time since
/// the previous heartbeat) are the values that decided it.
/// </summary>
public sealed record LivenessChanged(
    HostLivenessState From,
    HostLivenessState To,
    DateTimeOffset At,
    double Phi,
    TimeSpan Silence);
