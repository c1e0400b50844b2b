using SecureMonitor.Configuration.Units;

namespace SecureMonitor.Configuration.Tests;

public sealed class UnitFormatTests
{
    public static TheoryData<string, long> Durations => new()
    {
        { "250ms", TimeSpan.TicksPerMillisecond * 250 },
        { "5s", TimeSpan.TicksPerSecond * 5 },
        { "2m", TimeSpan.TicksPerMinute * 2 },
        { "1h", TimeSpan.TicksPerHour },
        { "1d", TimeSpan.TicksPerDay },
        { "5 seconds", TimeSpan.TicksPerSecond * 5 },
        { "1 minute", TimeSpan.TicksPerMinute },
        { "3 days", TimeSpan.TicksPerDay * 3 },
        { "1.5h", TimeSpan.TicksPerMinute * 90 },
        { "100us", 1_000 },
        { "1500ns", 15 },
        { "  10ms  ", TimeSpan.TicksPerMillisecond * 10 },
        { "0s", 0 },
    };

    [Theory]
    [MemberData(nameof(Durations))]
    public void Durations_parse_with_short_and_long_units(string text, long ticks)
    {
        Assert.True(DurationFormat.TryParse(text, out var duration, out var error), error);
        Assert.Equal(TimeSpan.FromTicks(ticks), duration);
    }

    [Theory]
    [InlineData("-5s", "negative values are not allowed")]
    [InlineData("30", "a duration needs a unit")]
    [InlineData("5 parsecs", "unknown duration unit 'parsecs'")]
    [InlineData("5S", "unknown duration unit 'S'")]
    [InlineData("", "the value is empty")]
    [InlineData("s", "expected a number followed by a unit")]
    [InlineData("1.2.3s", "expected a number followed by a unit")]
    [InlineData("99999999999999d", "the duration is too long")]
    [InlineData("99999999999999999999999999999999d", "the number is too large")]
    public void Invalid_durations_are_refused_with_a_reason(string text, string reason)
    {
        Assert.False(DurationFormat.TryParse(text, out _, out var error));
        Assert.Contains(reason, error);
    }

    public static TheoryData<string, long> Sizes => new()
    {
        { "100B", 100 },
        { "100", 100 },
        { "512KiB", 512 * 1024 },
        { "1k", 1024 },
        { "1K", 1024 },
        { "64MB", 64_000_000 },
        { "64 MiB", 64L * 1024 * 1024 },
        { "1GiB", 1L << 30 },
        { "1GB", 1_000_000_000 },
        { "2TiB", 2L << 40 },
        { "1.5KiB", 1536 },
        { "3 kilobytes", 3000 },
        { "2 mebibytes", 2L << 20 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Sizes_use_powers_of_1024_for_binary_units_and_1000_for_decimal_units(string text, long bytes)
    {
        Assert.True(SizeFormat.TryParse(text, out var parsed, out var error), error);
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("-1KiB", "negative values are not allowed")]
    [InlineData("5 QB", "unknown size unit 'QB'")]
    [InlineData("1kb", "unknown size unit 'kb'")]
    [InlineData("0.5B", "not a whole number of bytes")]
    [InlineData("9000000TiB", "the size is too large")]
    [InlineData("lots", "expected a number followed by a unit")]
    public void Invalid_sizes_are_refused_with_a_reason(string text, string reason)
    {
        Assert.False(SizeFormat.TryParse(text, out _, out var error));
        Assert.Contains(reason, error);
    }
}
