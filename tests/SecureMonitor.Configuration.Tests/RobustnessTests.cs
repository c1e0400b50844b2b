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
}
