namespace SecureMonitor.Actors;

/// <summary>
/// A parent's policy for failing children. Restarts back off exponentially (the first restart is
/// immediate, then <see cref="MinBackoff"/>, doubling up to <see cref="MaxBackoff"/>); more than
/// <see cref="MaxRetries"/> restarts within <see cref="Within"/> apply <see cref="WhenExhausted"/>.
/// All times are read from the system's TimeProvider.
/// </summary>
public sealed record SupervisorStrategy
{
    private SupervisorStrategy(Func<Exception, Directive> decider) => Decider = decider;

    public Func<Exception, Directive> Decider { get; init; }

    public int MaxRetries { get; init; } = 10;

    public TimeSpan Within { get; init; } = TimeSpan.FromMinutes(1);

    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A child that runs this long after a restart without failing starts again with no backoff.</summary>
    public TimeSpan ResetBackoffAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary><see cref="Directive.Stop"/> or <see cref="Directive.Escalate"/>.</summary>
    public Directive WhenExhausted { get; init; } = Directive.Stop;

    /// <summary>Restart on any exception, with the default limits.</summary>
    public static SupervisorStrategy Default { get; } = Restart();

    public static SupervisorStrategy Stop { get; } = new(static _ => Directive.Stop);

    public static SupervisorStrategy Escalate { get; } = new(static _ => Directive.Escalate);

    public static SupervisorStrategy Restart(
        int maxRetries = 10,
        TimeSpan? within = null,
        TimeSpan? minBackoff = null,
        TimeSpan? maxBackoff = null,
        TimeSpan? resetBackoffAfter = null,
        Directive whenExhausted = Directive.Stop)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetries);
        if (whenExhausted == Directive.Restart)
        {
            throw new ArgumentException("After too many restarts the child can only be stopped or escalated.", nameof(whenExhausted));
        }

        var strategy = new SupervisorStrategy(static _ => Directive.Restart) { MaxRetries = maxRetries, WhenExhausted = whenExhausted };
        return strategy with
        {
            Within = within ?? strategy.Within,
            MinBackoff = minBackoff ?? strategy.MinBackoff,
            MaxBackoff = maxBackoff ?? strategy.MaxBackoff,
            ResetBackoffAfter = resetBackoffAfter ?? strategy.ResetBackoffAfter,
        };
    }

    /// <summary>Chooses the directive per exception, keeping this strategy's restart limits.</summary>
    public SupervisorStrategy WithDecider(Func<Exception, Directive> decider) => this with { Decider = decider };

    /// <summary>Delay before restart number <paramref name="consecutive"/> (0-based) in a run of failures.</summary>
    internal TimeSpan BackoffFor(int consecutive)
    {
        if (consecutive == 0 || MinBackoff <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var factor = Math.Pow(2, Math.Min(consecutive - 1, 30));
        var ticks = Math.Min(MinBackoff.Ticks * factor, MaxBackoff.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }
}
