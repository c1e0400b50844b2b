using SecureMonitor.Configuration.Hocon;

namespace SecureMonitor.Configuration.Tests;

/// <summary>Every malformed input fails with a <see cref="HoconException"/> at the exact position of the problem.</summary>
public sealed class MalformedInputTests
{
    public static TheoryData<string, int, int, string> Cases => new()
    {
        // input, line, column, message fragment
        { "a = \"abc", 1, 5, "unterminated string: missing closing '\"'" },
        { "a = \"line\nnext\"", 1, 5, "a quoted string cannot span lines" },
        { "a = \"\"\"abc\n\"\"", 1, 5, "unterminated triple-quoted string" },
        { "a =\nb = 1", 1, 4, "expected a value for key 'a', found end of line" },
        { "a = }", 1, 5, "expected a value for key 'a', found '}'" },
        { "a = ", 1, 5, "expected a value for key 'a', found end of input" },
        { "a {\n  b = 1\n", 1, 3, "'{' is never closed" },
        { "a = 1\n]", 2, 1, "unexpected ']' without a matching '['" },
        { "a = 1 }", 1, 7, "unexpected '}' without a matching '{'" },
        { "a = \"\\q\"", 1, 6, "invalid escape '\\q'" },
        { "a = \"\\u12G4\"", 1, 6, "invalid unicode escape '\\u12G4'" },
        { "a = \"\\u12\"", 1, 6, "invalid unicode escape '\\u12'" },
        { "a = ${x}", 1, 5, "unresolved substitution ${x}" },
        { "a = 1\nb = ${a.b.c}", 2, 5, "unresolved substitution ${a.b.c}" },
        { "a = ${b}\nb = ${a}", 2, 5, "substitution cycle: ${b} -> ${a}" },
        { "a = { b = ${a} }", 1, 11, "substitution cycle: ${a}" },
        { "a = ${a}", 1, 5, "unresolved substitution ${a}" },
        { "a = 1\ninclude \"no-such-file-7f3a.conf\"", 2, 1, "included file 'no-such-file-7f3a.conf' not found" },
        { "include missing.conf", 1, 9, "expected a quoted file name after 'include', found 'missing.conf'" },
        { "include url(\"http://x/a.conf\")", 1, 9, "only file includes are supported" },
        { "include file(\"a.conf\"", 1, 22, "expected ')' after the file name" },
        { "include = 1", 1, 9, "expected a quoted file name after 'include', found '='" },
        { "server {\n  listen\n}", 2, 9, "expected '=', ':' or '{' after key 'listen', found end of line" },
        { "server { listen }", 1, 17, "expected '=', ':' or '{' after key 'listen', found '}'" },
        { "a.=1", 1, 2, "invalid key 'a.': expected a segment after '.'" },
        { "a..b = 1", 1, 3, "empty segment before '.'" },
        { ".a = 1", 1, 1, "it cannot start with '.'" },
        { "\"\" = 1", 1, 1, "empty quoted segment" },
        { "= 1", 1, 1, "expected a key, found '='" },
        { "a == 1", 1, 4, "expected a value for key 'a', found '='" },
        { "a = 1 = 2", 1, 7, "unexpected '=' in the value of key 'a'" },
        { "url = http://example.com", 1, 11, "unexpected ':' in the value of key 'url'" },
        { "a = 1,,\nb = 2", 1, 7, "expected a key, found ','" },
        { "a = [1,,2]", 1, 8, "expected an array element, found ','" },
        { "a = 1\na += 2", 2, 3, "'+=' appends to an array, but 'a' holds a number (set at test.conf:1:5)" },
        { "a = 5 {b = 1}", 1, 7, "cannot concatenate a number with an object" },
        { "a = [1] x", 1, 9, "cannot concatenate an array with a string" },
        { "a = [1, 2", 1, 5, "'[' is never closed" },
        { "a = [1, }", 1, 9, "expected ']' to close the '[' at 1:5, found '}'" },
        { "a = {b = 1]", 1, 11, "expected '}' to close the '{' at 1:5, found ']'" },
        { "a = @", 1, 5, "unexpected character '@'" },
        { "a + 1", 1, 3, "did you mean '+='?" },
        { "a = $x", 1, 5, "'$' must start a substitution" },
        { "a = ${x", 1, 5, "unterminated substitution" },
        { "a = ${}", 1, 5, "expected a substitution path" },
        { "a = ${x..y}", 1, 9, "empty segment before '.'" },
        { "a = ${x y}", 1, 8, "unexpected character ' ' in a substitution" },
        { "\"\"\"key\"\"\" = 1", 1, 1, "a triple-quoted string cannot be a key" },
        { "${a} = 1", 1, 1, "a substitution cannot be a key" },
        { "[1, 2]", 1, 1, "the root of a configuration must be an object" },
        { "{ a = 1 } b = 2", 1, 11, "expected end of input after the root object's closing '}'" },
        { "a = 1 b = 2", 1, 9, "unexpected '=' in the value of key 'a'" },
        { "a {\n  b = \"x\u0001\"\n}", 2, 9, "control character U+0001" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Malformed_input_is_reported_at_the_exact_line_and_column(string input, int line, int column, string fragment)
    {
        var error = Hocon.LoadFails(input, includeDirectory: Path.GetTempPath());

        Assert.Equal(Hocon.SourceName, error.Source);
        Assert.Contains(fragment, error.Reason);
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.Equal($"{Hocon.SourceName}:{line}:{column}: {error.Reason}", error.Message);
    }

    [Fact]
    public void The_message_reads_file_line_column_then_what_was_expected_and_found()
    {
        var error = Hocon.LoadFails("monitor {\n  listen\n  port = 1\n}");

        Assert.Equal("test.conf:2:9: expected '=', ':' or '{' after key 'listen', found end of line", error.Message);
    }
}
