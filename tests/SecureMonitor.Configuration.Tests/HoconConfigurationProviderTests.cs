using Microsoft.Extensions.Configuration;
using SecureMonitor.Configuration.Hocon;

namespace SecureMonitor.Configuration.Tests;

public sealed class HoconConfigurationProviderTests
{
    private static IConfigurationRoot Build(string text, Func<string, string?>? environment = null) =>
        new ConfigurationBuilder().AddHoconString(text, Hocon.SourceName, environment ?? Hocon.NoEnvironment).Build();

    [Fact]
    public void Nested_objects_flatten_to_colon_separated_keys()
    {
        var configuration = Build("monitor { listen { host = \"0.0.0.0\", port = 7800 } }");

        Assert.Equal("0.0.0.0", configuration["monitor:listen:host"]);
        Assert.Equal("7800", configuration["monitor:listen:port"]);
        Assert.Equal("7800", configuration.GetSection("monitor").GetSection("listen")["port"]);
    }

    [Fact]
    public void Arrays_flatten_to_indexed_keys()
    {
        var configuration = Build("endpoints = [ \"a:1\", { host = b } ]");

        Assert.Equal("a:1", configuration["endpoints:0"]);
        Assert.Equal("b", configuration["endpoints:1:host"]);
        Assert.Equal(2, configuration.GetSection("endpoints").GetChildren().Count());
    }

    [Fact]
    public void Booleans_and_numbers_keep_their_text_and_null_stays_null()
    {
        var configuration = Build("enabled = true\nratio = 0.25\nnothing = null\nempty = {}\nnone = []");

        Assert.Equal("true", configuration["enabled"]);
        Assert.Equal("0.25", configuration["ratio"]);
        Assert.Null(configuration["nothing"]);
        Assert.Null(configuration["empty"]);
        Assert.Null(configuration["none"]);
        Assert.Contains(configuration.AsEnumerable(), pair => pair.Key == "nothing");
    }

    [Fact]
    public void Keys_are_found_regardless_of_case_as_configuration_expects()
    {
        var configuration = Build("Monitor { Port = 1 }");

        Assert.Equal("1", configuration["monitor:port"]);
    }

    [Fact]
    public void Values_bind_to_options_classes()
    {
        var configuration = Build("monitor { port = 7800, enabled = true, endpoints = [a, b] }");

        var options = configuration.GetSection("monitor").Get<MonitorOptions>()!;

        Assert.Equal(7800, options.Port);
        Assert.True(options.Enabled);
        Assert.Equal(["a", "b"], options.Endpoints);
    }

    [Fact]
    public void The_origin_of_every_leaf_value_is_kept()
    {
        var configuration = Build("monitor {\n  port = 7800\n  endpoints = [\n    x\n  ]\n}");
        var provider = Assert.IsType<HoconConfigurationProvider>(Assert.Single(configuration.Providers));

        Assert.True(provider.TryGetOrigin("monitor:port", out var port));
        Assert.Equal(new HoconOrigin(Hocon.SourceName, 2, 10), port);
        Assert.Equal(new HoconOrigin(Hocon.SourceName, 4, 5), configuration.GetOrigin("monitor:endpoints:0"));
        Assert.Equal("test.conf:2:10", configuration.GetOrigin("MONITOR:PORT").ToString());
        Assert.Null(configuration.GetOrigin("monitor:absent"));
    }

    [Fact]
    public void A_value_overridden_by_a_later_non_hocon_provider_has_no_hocon_origin()
    {
        var configuration = new ConfigurationBuilder()
            .AddHoconString("port = 1", Hocon.SourceName, Hocon.NoEnvironment)
            .AddInMemoryCollection(new Dictionary<string, string?> { ["port"] = "2" })
            .Build();

        Assert.Equal("2", configuration["port"]);
        Assert.Null(configuration.GetOrigin("port"));
    }

    [Fact]
    public void The_later_hocon_provider_gives_the_origin_of_an_overridden_key()
    {
        var configuration = new ConfigurationBuilder()
            .AddHoconString("port = 1", "base.conf", Hocon.NoEnvironment)
            .AddHoconString("\nport = 2", "override.conf", Hocon.NoEnvironment)
            .Build();

        Assert.Equal(new HoconOrigin("override.conf", 2, 8), configuration.GetOrigin("port"));
    }

    [Fact]
    public void An_environment_override_through_an_optional_substitution_uses_the_injected_lookup()
    {
        const string text = "monitor {\n  port = 7800\n  port = ${?SM_MONITOR_PORT}\n}";

        var withVariable = Build(text, Hocon.Environment(("SM_MONITOR_PORT", "9100")));
        var withoutVariable = Build(text);

        Assert.Equal("9100", withVariable["monitor:port"]);
        Assert.Equal("SM_MONITOR_PORT", withVariable.GetOrigin("monitor:port")!.Value.EnvironmentVariable);
        Assert.Equal("7800", withoutVariable["monitor:port"]);
    }

    [Fact]
    public void A_hocon_file_includes_files_relative_to_itself()
    {
        using var directory = new TemporaryDirectory();
        var shared = directory.Write("hocon/shared/tls.conf", "tls { protocol = TLS13 }");
        var monitor = directory.Write("hocon/monitor.conf", "include \"shared/tls.conf\"\nmonitor.port = 7800");

        var configuration = new ConfigurationBuilder().AddHoconFile(monitor, environment: Hocon.NoEnvironment).Build();

        Assert.Equal("TLS13", configuration["tls:protocol"]);
        Assert.Equal(new HoconOrigin(shared, 1, 18), configuration.GetOrigin("tls:protocol"));
        Assert.Equal(monitor, configuration.GetOrigin("monitor:port")!.Value.Source);
    }

    [Fact]
    public void A_missing_optional_file_adds_nothing()
    {
        using var directory = new TemporaryDirectory();

        var configuration = new ConfigurationBuilder()
            .AddHoconFile(Path.Combine(directory.Path, "absent.conf"), optional: true)
            .Build();

        Assert.Empty(configuration.AsEnumerable());
    }

    [Fact]
    public void A_missing_required_file_fails_naming_the_file()
    {
        using var directory = new TemporaryDirectory();
        var absent = Path.Combine(directory.Path, "absent.conf");

        var error = Assert.Throws<HoconException>(() => new ConfigurationBuilder().AddHoconFile(absent).Build());

        Assert.Equal($"{absent}: configuration file not found", error.Message);
    }

    [Fact]
    public void A_syntax_error_in_a_file_surfaces_as_a_hocon_exception_with_its_position()
    {
        using var directory = new TemporaryDirectory();
        var monitor = directory.Write("monitor.conf", "monitor {\n  listen\n}");

        var error = Assert.Throws<HoconException>(() => new ConfigurationBuilder().AddHoconFile(monitor).Build());

        Assert.Equal($"{monitor}:2:9: expected '=', ':' or '{{' after key 'listen', found end of line", error.Message);
    }

    [Fact]
    public void Keys_that_differ_only_in_case_are_refused_because_configuration_ignores_case()
    {
        var error = Assert.Throws<HoconException>(() => Build("port = 1\nPort = 2"));

        Assert.Equal((2, 8), (error.Line, error.Column));
        Assert.Contains("key 'Port' differs only in case from a key set at test.conf:1:8", error.Message);
    }

    [Fact]
    public void Keys_containing_a_colon_are_refused_because_configuration_uses_it_as_separator()
    {
        var error = Assert.Throws<HoconException>(() => Build("\"a:b\" = 1"));

        Assert.Equal((1, 9), (error.Line, error.Column));
        Assert.Contains("contains ':'", error.Message);
    }

    [Fact]
    public void The_provider_exposes_the_resolved_tree_for_display()
    {
        var configuration = Build("a { b = 1 }");
        var provider = Assert.IsType<HoconConfigurationProvider>(Assert.Single(configuration.Providers));

        Assert.Equal("1", provider.Tree!.Text("a.b"));
    }

    private sealed class MonitorOptions
    {
        public int Port { get; set; }

        public bool Enabled { get; set; }

        public List<string> Endpoints { get; set; } = [];
    }
}
