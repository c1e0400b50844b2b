using SecureMonitor.Configuration.Hocon;

namespace SecureMonitor.Configuration.Tests;

public sealed class IncludeTests
{
    [Fact]
    public void An_include_merges_the_included_file_at_the_include_point()
    {
        using var directory = new TemporaryDirectory();
        directory.Write("shared.conf", "port = 1\nhost = shared");
        var main = directory.Write("main.conf", "host = main\ninclude \"shared.conf\"\nport = 2");

        var root = HoconLoader.LoadFile(main, Hocon.NoEnvironment);

        Assert.Equal("shared", root.Text("host"));
        Assert.Equal("2", root.Text("port"));
    }

    [Fact]
    public void An_include_path_is_relative_to_the_including_file()
    {
        using var directory = new TemporaryDirectory();
        directory.Write("conf/parts/inner.conf", "inner = yes");
        directory.Write("conf/parts/outer.conf", "include \"inner.conf\"\nouter = yes");
        var main = directory.Write("conf/main.conf", "include \"parts/outer.conf\"");

        var root = HoconLoader.LoadFile(main, Hocon.NoEnvironment);

        Assert.Equal("yes", root.Text("inner"));
        Assert.Equal("yes", root.Text("outer"));
        Assert.Equal(Path.Combine(directory.Path, "conf", "parts", "inner.conf"), root.Find("inner")!.Origin.Source);
    }

    [Fact]
    public void The_file_and_required_include_forms_are_supported()
    {
        using var directory = new TemporaryDirectory();
        directory.Write("a.conf", "a = 1");
        directory.Write("b.conf", "b = 2");
        directory.Write("c.conf", "c = 3");
        var main = directory.Write("main.conf", "include file(\"a.conf\")\ninclude required(\"b.conf\")\ninclude required(file(\"c.conf\"))");

        var root = HoconLoader.LoadFile(main, Hocon.NoEnvironment);

        Assert.Equal(["a", "b", "c"], root.Keys);
    }

    [Fact]
    public void An_include_inside_an_object_nests_the_fields_and_fixes_up_substitutions()
    {
        using var directory = new TemporaryDirectory();
        directory.Write("listen.conf", "port = 7800\nurl = \"tcp://*:\"${port}\nname = ${app}");
        var main = directory.Write("main.conf", "app = sm\nmonitor { include \"listen.conf\"\n port = 9000 }");

        var root = HoconLoader.LoadFile(main, Hocon.NoEnvironment);

        Assert.Equal("9000", root.Text("monitor.port"));
        Assert.Equal("tcp://*:9000", root.Text("monitor.url"));
        Assert.Equal("sm", root.Text("monitor.name"));
    }

    [Fact]
    public void An_included_file_with_a_braced_root_is_accepted()
    {
        using var directory = new TemporaryDirectory();
        directory.Write("braced.conf", "{ x = 1 }");

        var root = Hocon.Load("include \"braced.conf\"", includeDirectory: directory.Path);

        Assert.Equal("1", root.Text("x"));
    }

    [Fact]
    public void A_missing_include_is_an_error_at_the_include_directive()
    {
        using var directory = new TemporaryDirectory();
        var main = directory.Write("main.conf", "a = 1\n  include \"missing.conf\"");

        var error = Assert.Throws<HoconException>(() => HoconLoader.LoadFile(main, Hocon.NoEnvironment));

        Assert.Equal(main, error.Source);
        Assert.Equal((2, 3), (error.Line, error.Column));
        Assert.StartsWith($"{main}:2:3: included file 'missing.conf' not found", error.Message);
    }

    [Fact]
    public void An_include_cycle_is_an_error_at_the_include_that_closes_it()
    {
        using var directory = new TemporaryDirectory();
        var first = directory.Write("first.conf", "include \"second.conf\"");
        var second = directory.Write("second.conf", "x = 1\ninclude \"first.conf\"");

        var error = Assert.Throws<HoconException>(() => HoconLoader.LoadFile(first, Hocon.NoEnvironment));

        Assert.Equal(second, error.Source);
        Assert.Equal((2, 1), (error.Line, error.Column));
        Assert.Contains($"include cycle: {first} -> {second} -> {first}", error.Message);
    }

    [Fact]
    public void An_error_inside_an_included_file_names_that_file()
    {
        using var directory = new TemporaryDirectory();
        var broken = directory.Write("broken.conf", "ok = 1\nbad = }");
        var main = directory.Write("main.conf", "include \"broken.conf\"");

        var error = Assert.Throws<HoconException>(() => HoconLoader.LoadFile(main, Hocon.NoEnvironment));

        Assert.Equal($"{broken}:2:7: expected a value for key 'bad', found '}}'", error.Message);
    }

    [Fact]
    public void Including_a_directory_is_an_error_naming_it()
    {
        using var directory = new TemporaryDirectory();
        Directory.CreateDirectory(Path.Combine(directory.Path, "sub"));

        var error = Hocon.LoadFails("include \"sub\"", includeDirectory: directory.Path);

        Assert.Equal((1, 1), (error.Line, error.Column));
        Assert.Contains(Path.Combine(directory.Path, "sub"), error.Message);
    }

    [Fact]
    public void A_missing_configuration_file_is_an_error_naming_the_file()
    {
        using var directory = new TemporaryDirectory();
        var missing = Path.Combine(directory.Path, "monitor.conf");

        var error = Assert.Throws<HoconException>(() => HoconLoader.LoadFile(missing, Hocon.NoEnvironment));

        Assert.Equal($"{missing}: configuration file not found", error.Message);
        Assert.Equal(0, error.Line);
    }
}
