using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Configuration;
using SecureMonitor.Configuration.Hocon;
using SecureMonitor.Tests.Fuzzing;
using Xunit.Abstractions;

namespace SecureMonitor.Configuration.Tests.Properties;

/// <summary>
/// Fuzzing the HOCON library as a node loads its configuration (parse, includes, substitutions,
/// flattening into IConfiguration): random text and mutations of the shipped hocon/*.conf files
/// either load or fail with a <see cref="HoconException"/> that points at FILE:LINE:COLUMN.
/// </summary>
[Trait("Category", FuzzRun.Category)]
public sealed class HoconParserProperties(ITestOutputHelper output)
{
    /// <summary>What the lexer and parser react to, weighted towards structure; the rest is plain text.</summary>
    private const string Syntax = "{}[]{}[]=:,+=\"\"\"$?.#//\\\n\n \t\ra1-_e${?}";

    private static readonly string ShippedDirectory = FindShippedHocon();

    /// <summary>The shipped files, with the includes (common/*.conf) resolving as in production.</summary>
    private static readonly char[][] Seeds =
    [
        .. Directory.EnumerateFiles(ShippedDirectory, "*.conf", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(path => File.ReadAllText(path).ToCharArray()),
    ];

    private static readonly Func<string, string?> Environment = name => name == "SM_FUZZ_SET" ? "from-env" : null;

    [Fact]
    public void Random_and_mutated_configuration_text_loads_or_fails_with_a_positioned_hoconexception()
    {
        Assert.True(Seeds.Length >= 4, $"expected the shipped .conf files under {ShippedDirectory}");
        foreach (var seed in Seeds)
        {
            Load(new string(seed)); // the unmutated files load
        }

        Gen<char> character = FuzzInputs.Characters(Syntax);
        Gen<char[]> input = Gen.Frequency(
            (1, FuzzInputs.Random(character)),
            (1, Document().Select(text => text.ToCharArray())),
            (1, References().Select(text => text.ToCharArray())),
            (3, FuzzInputs.Mutated(Seeds, character, FuzzInputs.FlipBit)));

        var loaded = 0;
        var refused = 0;
        FuzzRun.Check(output, "hocon", input, text => _ = LoadsOrFailsWithPosition(new string(text)) ? loaded++ : refused++);

        // Both outcomes must be common, or the inputs exercised only half of the loader.
        output.WriteLine($"loaded {loaded}, refused {refused}");
        Assert.True(loaded > FuzzRun.Cases / 20 && refused > FuzzRun.Cases / 20, $"loaded {loaded}, refused {refused}");
    }

    /// <summary>
    /// Well-formed documents whose fields refer to each other: substitutions, self-references,
    /// appends, concatenations of strings, arrays and objects (what reaches the resolver, which
    /// random text rarely does).
    /// </summary>
    private static Gen<string> Document()
    {
        string[] keys = ["a", "b", "c", "a.x", "b.y.z", "\"q.k\"", "c.a", "include"];
        string[] references = ["${a}", "${b}", "${c}", "${a.x}", "${b.y}", "${?c.a}", "${?SM_FUZZ_SET}", "${?missing}", "${\"q.k\"}"];
        Gen<string> simple = Gen.Elements("1", "-2.5e3", "true", "null", "text", "\"quoted\"", "\"\"\"triple\"\"\"", "10s", "");
        Gen<string> part = Gen.Frequency(
            (4, Gen.Elements(references)),
            (3, simple),
            (1, Gen.Elements(references).ArrayOf().Resize(3).Select(items => "[" + string.Join(", ", items) + "]")),
            (1, from key in Gen.Elements(keys) from value in Gen.Elements(references) select $"{{ {key} = {value} }}"));
        Gen<string> field =
            from key in Gen.Elements(keys)
            from separator in Gen.Elements(" = ", ": ", " += ", " ")
            from parts in part.ArrayOf().Where(p => p.Length > 0).Resize(4)
            select key + separator + string.Join(" ", parts);
        return field.ArrayOf().Resize(12).Select(fields => string.Join("\n", fields));
    }

    /// <summary>
    /// Fields k0, k1, ... each built from references to earlier ones (strings, arrays or objects
    /// around them): values shared many times over, where expansion can grow exponentially.
    /// </summary>
    private static Gen<string> References() =>
        from count in Gen.Choose(1, 60)
        from shape in Gen.Elements("{0}", "[{0}]", "{{ x = {0}, y = {0} }}", "{0} {0}", "{0}{0}", "[{0}, {0}]")
        from picks in Gen.Choose(0, int.MaxValue).ArrayOf(count)
        from start in Gen.Elements("xxxxxxxxxx", "[1, 2, 3, 4]", "{ a = 1, b = [2] }")
        select "k0 = " + start + "\n" + string.Concat(Enumerable.Range(1, count - 1).Select(i =>
        {
            var earlier = picks[i] % 4 == 0 ? picks[i] % i : i - 1; // mostly the one just before: a chain
            return $"k{i} = " + string.Format(System.Globalization.CultureInfo.InvariantCulture, shape, $"${{k{earlier}}}") + "\n";
        }));

    /// <summary>The property of one input; the regression tests call it with the inputs that once broke it.</summary>
    /// <returns>Whether it loaded.</returns>
    internal static bool LoadsOrFailsWithPosition(string text)
    {
        try
        {
            Load(text);
            return true;
        }
        catch (HoconException error)
        {
            // Errors inside the text carry a line and column; whole-file errors (an include that is
            // missing) carry the include's position in this text or its included file.
            Assert.True(error.Line >= 1 && error.Column >= 1, $"no position in: {error.Message}");
            Assert.StartsWith($"{error.Source}:{error.Line}:{error.Column}: ", error.Message, StringComparison.Ordinal);
            return false;
        }
    }

    private static void Load(string text)
    {
        var configuration = new ConfigurationBuilder()
            .AddHoconString(text, "fuzz.conf", Environment, ShippedDirectory)
            .Build();
        // Read as a node reads it (walking every section is quadratic in IConfiguration itself; the
        // size limits keep that under a second, measured apart from this property).
        foreach (var section in configuration.GetChildren())
        {
            _ = section.Value;
        }

        _ = configuration["monitor:listen"];
        _ = configuration["akka:actor:provider"];
    }

    private static string FindShippedHocon()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var hocon = Path.Combine(directory.FullName, "hocon");
            if (File.Exists(Path.Combine(directory.FullName, "SecureMonitor.sln")) && Directory.Exists(hocon))
            {
                return hocon;
            }
        }

        throw new InvalidOperationException($"No SecureMonitor.sln with a hocon folder above {AppContext.BaseDirectory}.");
    }
}
