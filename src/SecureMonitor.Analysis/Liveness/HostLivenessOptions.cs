namespace SecureMonitor.Analysis.Liveness;

/// <summary>When a host counts as unreachable (a suspicion) and when as down (a fact of silence).</summary>
public sealed record HostLivenessOptions
{
    /// <summary>Phi at or above which an Up host becomes Unreachable. Akka's default, 8: a 10⁻⁸ chance of a false alarm under the model.</summary>
    public double PhiUnreachable { get; init; } = 8;

    /// <summary>Silence after which a host is Down, whatever phi says.</summary>
    public TimeSpan DownAfter { get; init; } = TimeSpan.FromSeconds(30);

    public PhiAccrualOptions Detector { get; init; } = new();

    /// <summary>Every problem with the options, in plain words; empty if usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!(PhiUnreachable > 0) || double.IsInfinity(PhiUnreachable))
        {
            errors.Add($"phi unreachable ({PhiUnreachable}) must be a positive number");
        }

        if (DownAfter <= TimeSpan.Zero)
        {
            errors.Add($"down after ({DownAfter}) must be positive");
        }

        if (Detector is null)
        {
            errors.Add("detector options are required");
        }
        else
        {
            errors.AddRange(Detector.Validate());
        }

        return errors;
    }
}
