using System.Text;

namespace SecureMonitor.Admin.Console;

/// <summary>Splits a console line into words as a shell would: whitespace separates, single or double
/// quotes keep spaces (<c>--note "on it"</c>), a backslash escapes the next character.</summary>
public static class CommandLine
{
    public static IReadOnlyList<string> Split(string line, out string? error)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        error = null;
        for (var index = 0; index < line.Length; index++)
        {
            var c = line[index];
            if (c == '\\' && index + 1 < line.Length && quote != '\'')
            {
                word.Append(line[++index]);
                inWord = true;
            }
            else if (quote is { } open)
            {
                if (c == open)
                {
                    quote = null;
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }
        if (quote is { } unclosed)
        {
            error = $"unclosed {unclosed} quote";
        }
        if (inWord)
        {
            words.Add(word.ToString());
        }
        return words;
    }
}
