using SecureMonitor.Configuration.Hocon;

namespace SecureMonitor.Configuration.Tests;

public sealed class RobustnessTests
{
    private const string Sample = """
        monitor {
          listen { host = "0.0.0.0", port = 7800 }
          port = ${?SM_PORT}
          endpoints = [ "a:1", ${?EXTRA} ] [ b ]
          path = ${monitor.listen.host}":/x"
          path = ${monitor.path}"/y"
          list += 1
          text = \"\"\"multi
        line\"\"\"
          "quoted.key" = 1.5e3 // comment
        }
        copy = ${monitor} { extra = true }
        """;

    /// <summary>Deterministic mutations of a realistic file: whatever breaks, only HoconException may escape.</summary>
    [Fact]
    public void Mutated_input_fails_only_with_hoconexception_carrying_a_position()
    {
        var random = new Random(20240611);
        const string alphabet = "{}[]=:,+\"$?.#/\\\n ab1-u";
        var sample = Sample.Replace("\\\"", "\"", StringComparison.Ordinal);
        Assert.NotEmpty(Hocon.Load(sample).Keys); // the unmutated sample is valid
        for (var round = 0; round < 3000; round++)
        {
            var text = sample.ToCharArray().ToList();
            for (var edits = random.Next(1, 4); edits > 0; edits--)
            {
                var at = random.Next(text.Count);
                switch (random.Next(3))
                {
                    case 0: text.RemoveAt(at); break;
                    case 1: text.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
                    default: text[at] = alphabet[random.Next(alphabet.Length)]; break;
                }
            }

            var input = new string([.. text]);
            if (round % 10 == 0)
            {
                input += "\ninclude \"no-such.conf\"";
            }

            try
            {
                Hocon.Load(input, includeDirectory: Path.GetTempPath());
            }
            catch (HoconException error)
            {
                Assert.True(error.Line >= 1 && error.Column >= 1, $"no position for: {error.Message}\n--- input ---\n{input}");
            }
            catch (Exception other)
            {
                Assert.Fail($"{other.GetType().Name} escaped: {other.Message}\n--- input ---\n{input}");
            }
        }
    }

    // The inputs below once crashed or hung the loader (found by HoconParserProperties): each must now
    // be a HoconException at a position, quickly.

    [Fact]
    public void A_dotted_key_deeper_than_the_nesting_limit_fails_instead_of_overflowing_the_stack()
    {
        var error = Hocon.LoadFails(string.Join('.', Enumerable.Repeat("a", 30_000)) + " = 1");

        Assert.Equal((1, 1), (error.Line, error.Column));
        Assert.Contains("nested more than 200 levels deep", error.Message);
    }

    [Fact]
    public void A_dotted_key_inside_objects_counts_towards_the_same_limit()
    {
        var text = string.Concat(Enumerable.Repeat("a {\n", 150)) + string.Join('.', Enumerable.Repeat("b", 60)) + " = 1\n" + new string('}', 150);

        Assert.Contains("nested more than 200 levels deep", Hocon.LoadFails(text).Message);
        Assert.NotEmpty(Hocon.Load(string.Concat(Enumerable.Repeat("a {\n", 150)) + string.Join('.', Enumerable.Repeat("b", 40)) + " = 1\n" + new string('}', 150)).Keys);
    }

    [Fact]
    public void Strings_doubled_by_substitutions_fail_at_the_size_limit_instead_of_exhausting_memory()
    {
        var error = Hocon.LoadFails("l0 = xxxxxxxxxx\n" + string.Concat(Enumerable.Range(1, 40).Select(i => $"l{i} = ${{l{i - 1}}}${{l{i - 1}}}\n")));

        Assert.Contains("longer than 1,048,576 characters", error.Message);
        Assert.True(error.Line >= 1 && error.Column >= 1);
    }

    [Fact]
    public void Arrays_doubled_by_substitutions_fail_at_the_size_limit_instead_of_exhausting_memory()
    {
        var error = Hocon.LoadFails("l0 = [1, 2, 3, 4, 5, 6, 7, 8]\n" + string.Concat(Enumerable.Range(1, 40).Select(i => $"l{i} = ${{l{i - 1}}} ${{l{i - 1}}}\n")));

        Assert.Contains("more than 10,000 elements", error.Message);
    }

    [Fact]
    public void Objects_doubled_by_substitutions_fail_at_the_size_limit_instead_of_hanging()
    {
        var error = Hocon.LoadFails("l0 = { a = 1, b = 2 }\n" + string.Concat(Enumerable.Range(1, 40).Select(i => $"l{i} = {{ x = ${{l{i - 1}}}, y = ${{l{i - 1}}} }}\n")));

        Assert.Contains("the configuration expands to more than", error.Message);
    }

    [Fact]
    public void Objects_nested_by_substitutions_fail_at_the_resolved_depth_limit()
    {
        // Each line is within the text's limit of 200; substituted into each other they nest 453 deep.
        var path = string.Join('.', Enumerable.Repeat("a", 150));
        var error = Hocon.LoadFails($"x.{path} = 1\ny.{path} = ${{x}}\nz.{path} = ${{y}}\n");

        Assert.Contains("nested more than 400 levels deep once substitutions are resolved", error.Message);
    }
}
