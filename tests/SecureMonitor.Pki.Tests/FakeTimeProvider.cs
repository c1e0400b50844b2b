namespace SecureMonitor.Pki.Tests;

/// <summary>A clock that moves only when the test says so.</summary>
internal sealed class FakeTimeProvider(DateTimeOffset start) : TimeProvider
{
    public static readonly DateTimeOffset DefaultStart = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private DateTimeOffset now = start;

    public FakeTimeProvider() : this(DefaultStart) { }

    public override DateTimeOffset GetUtcNow() => now;

    public void Advance(TimeSpan by) => now += by;
}
