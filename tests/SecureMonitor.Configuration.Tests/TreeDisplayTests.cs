using SecureMonitor.Configuration.Hocon;

namespace SecureMonitor.Configuration.Tests;

public sealed class TreeDisplayTests
{
    [Fact]
    public void The_resolved_tree_renders_as_json_with_kinds_preserved()
    {
        var root = Hocon.Load("a { s = \"x\\\"y\", n = 1.50, b = true, z = null, list = [1, two] }\nref = ${a.n}");

        Assert.Equal("""{"a":{"s":"x\"y","n":1.50,"b":true,"z":null,"list":[1,"two"]},"ref":1.50}""", root.ToJson(indented: false));
    }

    [Fact]
    public void Json_rendering_redacts_the_leaves_the_caller_chooses()
    {
        var root = Hocon.Load("tls { key-password = hunter2, protocol = TLS13 }\npsks = [s1, s2]");

        var json = root.ToJson(indented: false, redact: leaf => leaf.Path.EndsWith("password", StringComparison.Ordinal) || leaf.Segments[0] == "psks");

        Assert.Equal("""{"tls":{"key-password":"<redacted>","protocol":"TLS13"},"psks":["<redacted>","<redacted>"]}""", json);
    }

    [Fact]
    public void Leaves_are_enumerated_with_hocon_paths_configuration_keys_and_origins()
    {
        var root = Hocon.Load("monitor {\n  endpoints = [a, b]\n  \"odd.key\" = 1\n  empty {}\n}");

        var leaves = root.EnumerateLeaves().ToList();

        Assert.Equal(["monitor.endpoints.0", "monitor.endpoints.1", "monitor.\"odd.key\"", "monitor.empty"], leaves.Select(leaf => leaf.Path));
        Assert.Equal("monitor:endpoints:1", leaves[1].ConfigurationKey);
        Assert.Equal(new HoconOrigin(Hocon.SourceName, 2, 19), leaves[1].Value.Origin);
        Assert.Equal(HoconValueKind.Object, leaves[3].Value.Kind);
    }

    [Fact]
    public void Find_accepts_quoted_path_segments_and_returns_null_for_absent_paths()
    {
        var root = Hocon.Load("\"a.b\" { c = 1 }");

        Assert.NotNull(root.Find("\"a.b\".c"));
        Assert.Null(root.Find("a.b.c"));
        Assert.Null(root.Find("\"a.b\".c.d"));
    }
}
