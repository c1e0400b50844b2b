namespace SecureMonitor.Sampling.Tests.Support;

/// <summary>A clock the test advances; rates computed against it are exact.</summary>
internal sealed class ManualClock : TimeProvider
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private long ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => ticks;

    public override DateTimeOffset GetUtcNow() => Start.AddTicks(ticks);

    public void Advance(TimeSpan by) => ticks += by.Ticks;
}
