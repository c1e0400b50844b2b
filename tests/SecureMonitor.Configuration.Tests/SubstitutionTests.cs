using SecureMonitor.Configuration.Hocon;

namespace SecureMonitor.Configuration.Tests;

public sealed class SubstitutionTests
{
    [Fact]
    public void A_substitution_copies_a_scalar_or_an_object_from_elsewhere_in_the_tree()
    {
        var root = Hocon.Load("defaults { port = 7800, host = h }\nport = ${defaults.port}\ncopy = ${defaults}");

        Assert.Equal("7800", root.Text("port"));
        Assert.Equal(HoconValueKind.Number, root.Find("port")!.Kind);
        Assert.Equal("h", root.Text("copy.host"));
    }

    [Fact]
    public void Forward_references_resolve_against_the_final_tree()
    {
        var root = Hocon.Load("a = ${b}\nb = ${c}\nc = 3");

        Assert.Equal("3", root.Text("a"));
        Assert.Equal("3", root.Text("b"));
    }

    [Fact]
    public void A_substitution_sees_the_value_after_all_merges()
    {
        var root = Hocon.Load("a = ${b.x}\nb { x = 1 }\nb.x = 2");

        Assert.Equal("2", root.Text("a"));
    }

    [Fact]
    public void Substitutions_concatenate_with_strings_keeping_whitespace()
    {
        var root = Hocon.Load("host = example\nport = 80\nurl = \"http://\"${host}\":\"${port}/index\ngreeting = hello   ${host} end");

        Assert.Equal("http://example:80/index", root.Text("url"));
        Assert.Equal("hello   example end", root.Text("greeting"));
    }

    [Fact]
    public void A_substitution_inside_an_object_can_refer_to_a_sibling_by_its_full_path()
    {
        var root = Hocon.Load("bar { foo = 42, baz = ${bar.foo} }");

        Assert.Equal("42", root.Text("bar.baz"));
    }

    [Fact]
    public void An_optional_substitution_not_in_the_configuration_reads_the_environment_variable_of_that_name()
    {
        var root = Hocon.Load("port = 7800\nport = ${?SM_PORT}", Hocon.Environment(("SM_PORT", "9000")));

        Assert.Equal("9000", root.Text("port"));
        Assert.Equal("SM_PORT", root.Find("port")!.Origin.EnvironmentVariable);
        Assert.Equal(new HoconOrigin(Hocon.SourceName, 2, 8) { EnvironmentVariable = "SM_PORT" }, root.Find("port")!.Origin);
    }

    [Fact]
    public void A_required_substitution_not_in_the_configuration_also_reads_the_environment()
    {
        var root = Hocon.Load("home = ${HOME}", Hocon.Environment(("HOME", "/home/sm")));

        Assert.Equal("/home/sm", root.Text("home"));
    }

    [Fact]
    public void A_path_in_the_configuration_wins_over_an_environment_variable_of_the_same_name()
    {
        var root = Hocon.Load("SM_PORT = 1\nport = ${?SM_PORT}", Hocon.Environment(("SM_PORT", "9000")));

        Assert.Equal("1", root.Text("port"));
    }

    [Fact]
    public void An_undefined_optional_substitution_keeps_the_earlier_value()
    {
        var root = Hocon.Load("port = 7800\nport = ${?SM_PORT}");

        Assert.Equal("7800", root.Text("port"));
    }

    [Fact]
    public void An_undefined_optional_substitution_leaves_a_new_field_unset()
    {
        var root = Hocon.Load("a = 1\nport = ${?SM_PORT}");

        Assert.Null(root.Find("port"));
        Assert.Equal(["a"], root.Keys);
    }

    [Fact]
    public void An_undefined_optional_substitution_vanishes_from_concatenations_and_arrays()
    {
        var root = Hocon.Load("s = ${?NOPE} tail\nlist = [1, ${?NOPE}, 3]");

        Assert.Equal("tail", root.Text("s"));
        Assert.Equal(["1", "3"], root.Texts("list"));
    }

    [Fact]
    public void A_self_reference_resolves_against_the_previous_value_of_the_key()
    {
        var root = Hocon.Load("path = /bin\npath = ${path}\":/usr/bin\"\npath = ${path}\":/opt/sm\"");

        Assert.Equal("/bin:/usr/bin:/opt/sm", root.Text("path"));
    }

    [Fact]
    public void A_self_reference_inside_a_nested_object_uses_the_previous_nested_value()
    {
        var root = Hocon.Load("a { path = /bin }\na { path = ${a.path}\":/x\" }");

        Assert.Equal("/bin:/x", root.Text("a.path"));
    }

    [Fact]
    public void An_optional_self_reference_without_a_previous_value_falls_back_to_the_environment()
    {
        var root = Hocon.Load("PATH = ${?PATH}\":/opt/sm\"", Hocon.Environment(("PATH", "/usr/bin")));

        Assert.Equal("/usr/bin:/opt/sm", root.Text("PATH"));
    }

    [Fact]
    public void Plus_equals_appends_to_an_existing_array()
    {
        var root = Hocon.Load("a = [1]\na += 2\na += [3]");

        var array = Assert.IsType<HoconArray>(root["a"]);
        Assert.Equal(3, array.Count);
        Assert.Equal("2", Assert.IsType<HoconScalar>(array[1]).Text);
        Assert.Equal(HoconValueKind.Array, array[2].Kind);
    }

    [Fact]
    public void Plus_equals_on_an_absent_key_creates_an_array()
    {
        var root = Hocon.Load("sub { list += x }");

        Assert.Equal(["x"], root.Texts("sub.list"));
    }

    [Fact]
    public void Array_concatenation_works_with_substitutions()
    {
        var root = Hocon.Load("base = [1, 2]\nall = ${base} [3]");

        Assert.Equal(["1", "2", "3"], root.Texts("all"));
    }

    [Fact]
    public void Object_concatenation_with_a_substitution_merges_the_objects()
    {
        var root = Hocon.Load("defaults { port = 1, host = h }\nserver = ${defaults} { port = 2 }");

        Assert.Equal("h", root.Text("server.host"));
        Assert.Equal("2", root.Text("server.port"));
        Assert.Equal("1", root.Text("defaults.port"));
    }

    [Fact]
    public void Fields_added_to_a_substituted_object_merge_over_it()
    {
        var root = Hocon.Load("server = ${defaults}\nserver.port = 2\nserver { tls = on }\ndefaults { port = 1, host = h }");

        Assert.Equal("h", root.Text("server.host"));
        Assert.Equal("2", root.Text("server.port"));
        Assert.Equal("on", root.Text("server.tls"));
    }

    [Fact]
    public void A_field_of_an_object_merged_over_a_substitution_can_refer_to_its_siblings()
    {
        var root = Hocon.Load("server = ${defaults}\nserver { port = 2, url = \"h:\"${server.port} }\ndefaults { port = 1 }");

        Assert.Equal("h:2", root.Text("server.url"));
    }

    [Fact]
    public void A_substitution_cycle_is_reported_with_its_chain()
    {
        var error = Hocon.LoadFails("a = ${b}\nb = ${c}\nc = ${a}");

        Assert.Equal((3, 5), (error.Line, error.Column));
        Assert.Contains("substitution cycle: ${b} -> ${c} -> ${a}", error.Message);
    }

    [Fact]
    public void An_overridden_value_is_not_resolved_so_its_substitutions_cannot_fail()
    {
        var root = Hocon.Load("a = ${missing}\na = 1");

        Assert.Equal("1", root.Text("a"));
    }

    [Fact]
    public void The_environment_is_only_read_through_the_injected_lookup()
    {
        var asked = new List<string>();
        Hocon.Load("a = ${?SM_ONE}\nb = ${?sm.two}", name =>
        {
            asked.Add(name);
            return null;
        });

        Assert.Equal(["SM_ONE", "sm.two"], asked);
    }
}
