using Microsoft.Extensions.Configuration;

namespace SecureMonitor.Configuration.Tests;

public sealed class TypedValueTests
{
    private static IConfigurationRoot Build(string text, Func<string, string?>? environment = null) =>
        new ConfigurationBuilder().AddHoconString(text, "/etc/sm/monitor.conf", environment ?? Hocon.NoEnvironment).Build();

    [Fact]
    public void Get_duration_parses_hocon_durations()
    {
        var configuration = Build("monitor { heartbeat = 250ms, timeout = 5 seconds, lease = 1.5m }");

        Assert.Equal(TimeSpan.FromMilliseconds(250), configuration.GetDuration("monitor:heartbeat", TimeSpan.Zero));
        Assert.Equal(TimeSpan.FromSeconds(5), configuration.GetDuration("monitor:timeout", TimeSpan.Zero));
        Assert.Equal(TimeSpan.FromSeconds(90), configuration.GetSection("monitor").GetDuration("lease", TimeSpan.Zero));
    }

    [Fact]
    public void Get_duration_returns_the_default_when_the_key_is_absent()
    {
        var configuration = Build("a = 1");

        Assert.Equal(TimeSpan.FromSeconds(7), configuration.GetDuration("monitor:timeout", TimeSpan.FromSeconds(7)));
    }

    [Fact]
    public void A_bad_duration_is_reported_with_file_line_column_and_key()
    {
        var configuration = Build("monitor {\n  timeout = 5 parsecs\n}");

        var error = Assert.Throws<ConfigurationValueException>(() => configuration.GetDuration("monitor:timeout", TimeSpan.Zero));

        Assert.StartsWith("/etc/sm/monitor.conf:2:13: invalid duration '5 parsecs': unknown duration unit 'parsecs'", error.Message);
        Assert.EndsWith("(key 'monitor:timeout')", error.Message);
        Assert.Equal("monitor:timeout", error.Key);
        Assert.Equal(2, error.Origin!.Value.Line);
    }

    [Fact]
    public void A_bad_value_read_through_a_section_names_the_full_key()
    {
        var configuration = Build("monitor { timeout = 30 }");

        var error = Assert.Throws<ConfigurationValueException>(() => configuration.GetSection("monitor").GetDuration("timeout", TimeSpan.Zero));

        Assert.Equal("monitor:timeout", error.Key);
        Assert.Contains("a duration needs a unit", error.Message);
    }

    [Fact]
    public void A_bad_value_from_an_environment_variable_names_the_variable_and_the_substitution()
    {
        var configuration = Build("timeout = 5s\ntimeout = ${?SM_TIMEOUT}", Hocon.Environment(("SM_TIMEOUT", "soon")));

        var error = Assert.Throws<ConfigurationValueException>(() => configuration.GetDuration("timeout", TimeSpan.Zero));

        Assert.Equal("/etc/sm/monitor.conf:2:11: invalid duration 'soon': expected a number followed by a unit (key 'timeout', from environment variable SM_TIMEOUT)", error.Message);
    }

    [Fact]
    public void Get_size_parses_hocon_sizes()
    {
        var configuration = Build("spool { max = 64MiB, frame = 512KiB, disk = 1GB, plain = 100 }");

        Assert.Equal(64L * 1024 * 1024, configuration.GetSize("spool:max", 0));
        Assert.Equal(512L * 1024, configuration.GetSize("spool:frame", 0));
        Assert.Equal(1_000_000_000L, configuration.GetSize("spool:disk", 0));
        Assert.Equal(100L, configuration.GetSize("spool:plain", 0));
        Assert.Equal(42L, configuration.GetSize("spool:absent", 42));
    }

    [Fact]
    public void A_bad_size_is_reported_with_file_line_column_and_key()
    {
        var configuration = Build("spool {\n  max = -5MB\n}");

        var error = Assert.Throws<ConfigurationValueException>(() => configuration.GetSize("spool:max", 0));

        Assert.Equal("/etc/sm/monitor.conf:2:9: invalid size '-5MB': negative values are not allowed (key 'spool:max')", error.Message);
    }
}
