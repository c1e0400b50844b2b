using SecureMonitor.Configuration.Hocon;

namespace SecureMonitor.Configuration.Tests;

public sealed class ParsingTests
{
    [Fact]
    public void Objects_and_arrays_parse_into_a_tree()
    {
        var root = Hocon.Load("""
            monitor {
              listen { host = "0.0.0.0", port = 7800 }
              endpoints = [ "a:1", "b:2" ]
            }
            """);

        Assert.Equal("0.0.0.0", root.Text("monitor.listen.host"));
        Assert.Equal("7800", root.Text("monitor.listen.port"));
        Assert.Equal(["a:1", "b:2"], root.Texts("monitor.endpoints"));
    }

    [Fact]
    public void Hash_and_double_slash_comments_are_ignored()
    {
        var root = Hocon.Load("""
            # a comment
            a = 1 # trailing
            // another comment
            b = 2 // trailing
            c = "no // comment # here"
            """);

        Assert.Equal(["a", "b", "c"], root.Keys);
        Assert.Equal("no // comment # here", root.Text("c"));
    }

    [Fact]
    public void Equals_colon_and_no_separator_before_a_brace_are_equivalent()
    {
        var root = Hocon.Load("a = { x = 1 }\nb : { x : 1 }\nc { x = 1 }");

        Assert.Equal("1", root.Text("a.x"));
        Assert.Equal("1", root.Text("b.x"));
        Assert.Equal("1", root.Text("c.x"));
    }

    [Fact]
    public void Commas_and_new_lines_both_separate_fields_and_array_elements()
    {
        var root = Hocon.Load("a = 1, b = 2,\nc = 3\nlist = [\n  1,\n  2\n  3,\n]");

        Assert.Equal(["a", "b", "c", "list"], root.Keys);
        Assert.Equal(["1", "2", "3"], root.Texts("list"));
    }

    [Fact]
    public void A_braced_root_object_is_accepted()
    {
        var root = Hocon.Load("{\n  a = 1\n}\n");

        Assert.Equal("1", root.Text("a"));
    }

    [Fact]
    public void Quoted_strings_decode_json_escapes_including_unicode()
    {
        var root = Hocon.Load("""a = "q\" b\\ s\/ \b\f\n\r\t \u00e9\u20AC \ud83d\ude00" """);

        Assert.Equal("q\" b\\ s/ \b\f\n\r\t é€ 😀", root.Text("a"));
    }

    [Fact]
    public void Unquoted_values_get_number_boolean_null_or_string_kinds()
    {
        var root = Hocon.Load("n = -12.50e3\ni = 0\nt = true\nf = false\nz = null\ns = hello-world.example\nv = 1.2.3\nd = 10s");

        Assert.Equal(HoconValueKind.Number, root.Find("n")!.Kind);
        Assert.Equal("-12.50e3", root.Text("n"));
        Assert.Equal(HoconValueKind.Number, root.Find("i")!.Kind);
        Assert.Equal(HoconValueKind.Boolean, root.Find("t")!.Kind);
        Assert.Equal(HoconValueKind.Boolean, root.Find("f")!.Kind);
        Assert.Equal(HoconValueKind.Null, root.Find("z")!.Kind);
        Assert.Null(root.Text("z"));
        Assert.Equal(HoconValueKind.String, root.Find("s")!.Kind);
        Assert.Equal("hello-world.example", root.Text("s"));
        Assert.Equal(HoconValueKind.String, root.Find("v")!.Kind);
        Assert.Equal("10s", root.Text("d"));
    }

    [Fact]
    public void Numbers_with_leading_zeros_are_strings_not_numbers()
    {
        var root = Hocon.Load("mode = 0644");

        Assert.Equal(HoconValueKind.String, root.Find("mode")!.Kind);
        Assert.Equal("0644", root.Text("mode"));
    }

    [Fact]
    public void Triple_quoted_strings_keep_new_lines_quotes_and_backslashes_verbatim()
    {
        var root = Hocon.Load("text = \"\"\"line one\n  \"quoted\" \\n\nend\"\"\"\"\n");

        Assert.Equal("line one\n  \"quoted\" \\n\nend\"", root.Text("text"));
    }

    [Fact]
    public void Windows_line_endings_are_accepted()
    {
        var root = Hocon.Load("a = 1\r\nb = two words\r\n");

        Assert.Equal("1", root.Text("a"));
        Assert.Equal("two words", root.Text("b"));
    }

    [Fact]
    public void Path_keys_create_nested_objects()
    {
        var root = Hocon.Load("a.b.c = 1");

        Assert.Equal("1", root.Text("a.b.c"));
        Assert.IsType<HoconObject>(root.Find("a.b"));
    }

    [Fact]
    public void Quoted_key_segments_keep_their_dots()
    {
        var root = Hocon.Load("\"a.b\".c = 1\n\"host name\" = x");

        var outer = Assert.IsType<HoconObject>(root["a.b"]);
        Assert.Equal("1", Assert.IsType<HoconScalar>(outer["c"]).Text);
        Assert.Equal("1", root.Text("\"a.b\".c"));
        Assert.Equal("x", root.Text("\"host name\""));
    }

    [Fact]
    public void Path_keys_merge_into_existing_objects()
    {
        var root = Hocon.Load("a { x = 1, y = 2 }\na.y = 3\na.z = 4");

        Assert.Equal("1", root.Text("a.x"));
        Assert.Equal("3", root.Text("a.y"));
        Assert.Equal("4", root.Text("a.z"));
    }

    [Fact]
    public void A_later_object_merges_into_the_earlier_object_recursively()
    {
        var root = Hocon.Load("a { x = 1, inner { p = 1, q = 2 } }\na { y = 2, inner { q = 3 } }");

        Assert.Equal("1", root.Text("a.x"));
        Assert.Equal("2", root.Text("a.y"));
        Assert.Equal("1", root.Text("a.inner.p"));
        Assert.Equal("3", root.Text("a.inner.q"));
    }

    [Fact]
    public void A_later_non_object_replaces_the_earlier_value()
    {
        var root = Hocon.Load("a { x = 1 }\na = 5\nb = [1]\nb = [2]");

        Assert.Equal("5", root.Text("a"));
        Assert.Equal(["2"], root.Texts("b"));
    }

    [Fact]
    public void A_later_object_replaces_an_earlier_non_object()
    {
        var root = Hocon.Load("a = 5\na { x = 1 }");

        Assert.Equal(["x"], Assert.IsType<HoconObject>(root["a"]).Keys);
    }

    [Fact]
    public void Adjacent_simple_values_concatenate_into_a_string_keeping_inner_whitespace()
    {
        var root = Hocon.Load("a = foo   bar  \"baz \"qux  \nb = 1 2\nc = true \"story\"");

        Assert.Equal("foo   bar  baz qux", root.Text("a"));
        Assert.Equal("1 2", root.Text("b"));
        Assert.Equal(HoconValueKind.String, root.Find("b")!.Kind);
        Assert.Equal("true story", root.Text("c"));
    }

    [Fact]
    public void Adjacent_arrays_concatenate()
    {
        var root = Hocon.Load("a = [1, 2] [3]");

        Assert.Equal(["1", "2", "3"], root.Texts("a"));
    }

    [Fact]
    public void Adjacent_objects_concatenate_by_merging()
    {
        var root = Hocon.Load("a = { x = 1, y = 1 } { y = 2, z = 3 }");

        Assert.Equal("1", root.Text("a.x"));
        Assert.Equal("2", root.Text("a.y"));
        Assert.Equal("3", root.Text("a.z"));
    }

    [Fact]
    public void Arrays_hold_objects_and_nested_arrays()
    {
        var root = Hocon.Load("a = [ { name = x }, [1, 2], \"s\" ]");

        var array = Assert.IsType<HoconArray>(root["a"]);
        Assert.Equal("x", Assert.IsType<HoconScalar>(Assert.IsType<HoconObject>(array[0])["name"]).Text);
        Assert.Equal(2, Assert.IsType<HoconArray>(array[1]).Count);
    }

    [Fact]
    public void Values_record_the_line_and_column_they_were_written_at()
    {
        var root = Hocon.Load("a {\n  port = 7800\n}");

        Assert.Equal(new HoconOrigin(Hocon.SourceName, 2, 10), root.Find("a.port")!.Origin);
    }

    [Fact]
    public void Deep_nesting_is_refused_before_it_exhausts_the_stack()
    {
        var text = "a = " + new string('[', 10_000) + new string(']', 10_000);

        var error = Hocon.LoadFails(text);

        Assert.Contains("nested more than", error.Message);
    }
}
