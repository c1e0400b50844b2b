using System.Text;

namespace SecureMonitor.Admin.Console;

/// <summary>Reads the operator's next line; null at the end of input (Ctrl-D, end of a piped file).</summary>
public interface ILineReader
{
    string? ReadLine(string prompt);
}

/// <summary>Plain line reading, for input that is not a terminal (a pipe, a file, a test's stdin): no
/// prompt, no editing, every line as it comes.</summary>
public sealed class PlainLineReader(TextReader input) : ILineReader
{
    public string? ReadLine(string prompt) => input.ReadLine();
}

/// <summary>Where the editor gets keys from: the terminal (<see cref="TerminalKeys"/>), or a script in tests.</summary>
public interface IKeySource
{
    ConsoleKeyInfo ReadKey();
}

/// <summary>Keys from the terminal, not echoed; Ctrl-C arrives as a key while a line is edited.</summary>
public sealed class TerminalKeys : IKeySource
{
    public ConsoleKeyInfo ReadKey() => System.Console.ReadKey(intercept: true);
}

/// <summary>
/// A small line editor on <see cref="IKeySource"/>: left/right, Home/End (Ctrl-A/E), Backspace/Delete,
/// Ctrl-U (clear), up/down through the session's history, Tab completion (one candidate is inserted,
/// several are extended to their common prefix and listed on a second Tab), Ctrl-C abandons the line,
/// Ctrl-D on an empty line ends input. The line is redrawn with ANSI sequences after each key.
/// </summary>
public sealed class LineEditor(IKeySource keys, TextWriter output, Func<string, IReadOnlyList<string>> complete) : ILineReader
{
    public const int MaxHistory = 500;

    private readonly List<string> _history = [];

    public IReadOnlyList<string> History => _history;

    public string? ReadLine(string prompt)
    {
        var line = new StringBuilder();
        var cursor = 0;
        var browsing = _history.Count; // index into history; Count = the line being written
        var draft = "";
        var lastWasTab = false;
        output.Write(prompt);
        output.Flush();
        while (true)
        {
            var key = keys.ReadKey();
            var control = key.Modifiers.HasFlag(ConsoleModifiers.Control);
            var tab = key.Key == ConsoleKey.Tab;
            switch (key.Key)
            {
                case ConsoleKey.Enter:
                    output.WriteLine();
                    var text = line.ToString();
                    Remember(text);
                    return text;
                case ConsoleKey.D when control:
                    if (line.Length == 0)
                    {
                        output.WriteLine();
                        return null;
                    }
                    break;
                case ConsoleKey.C when control:
                    output.WriteLine("^C");
                    line.Clear();
                    cursor = 0;
                    output.Write(prompt);
                    break;
                case ConsoleKey.Backspace when cursor > 0:
                    line.Remove(--cursor, 1);
                    break;
                case ConsoleKey.Delete when cursor < line.Length:
                    line.Remove(cursor, 1);
                    break;
                case ConsoleKey.LeftArrow when cursor > 0:
                    cursor--;
                    break;
                case ConsoleKey.RightArrow when cursor < line.Length:
                    cursor++;
                    break;
                case ConsoleKey.Home:
                case ConsoleKey.A when control:
                    cursor = 0;
                    break;
                case ConsoleKey.End:
                case ConsoleKey.E when control:
                    cursor = line.Length;
                    break;
                case ConsoleKey.U when control:
                case ConsoleKey.Escape:
                    line.Clear();
                    cursor = 0;
                    break;
                case ConsoleKey.UpArrow when browsing > 0:
                    if (browsing == _history.Count)
                    {
                        draft = line.ToString();
                    }
                    Replace(line, _history[--browsing], ref cursor);
                    break;
                case ConsoleKey.DownArrow when browsing < _history.Count:
                    browsing++;
                    Replace(line, browsing == _history.Count ? draft : _history[browsing], ref cursor);
                    break;
                case ConsoleKey.Tab:
                    Complete(line, ref cursor, listIfStuck: lastWasTab, prompt);
                    break;
                default:
                    if (key.KeyChar >= ' ' && !control)
                    {
                        line.Insert(cursor++, key.KeyChar);
                    }
                    break;
            }
            lastWasTab = tab;
            Redraw(prompt, line, cursor);
        }
    }

    private void Remember(string text)
    {
        if (text.Trim().Length == 0 || (_history.Count > 0 && _history[^1] == text))
        {
            return;
        }
        _history.Add(text);
        if (_history.Count > MaxHistory)
        {
            _history.RemoveAt(0);
        }
    }

    private void Complete(StringBuilder line, ref int cursor, bool listIfStuck, string prompt)
    {
        var before = line.ToString(0, cursor);
        var candidates = complete(before);
        if (candidates.Count == 0)
        {
            return;
        }
        var start = before.Length;
        while (start > 0 && !char.IsWhiteSpace(before[start - 1]))
        {
            start--;
        }
        var partial = before[start..];
        var insert = candidates.Count == 1 ? candidates[0] + " " : CommonPrefix(candidates);
        if (insert.Length > partial.Length)
        {
            line.Remove(start, partial.Length).Insert(start, insert);
            cursor = start + insert.Length;
        }
        else if (listIfStuck)
        {
            output.WriteLine();
            output.WriteLine(string.Join("  ", candidates));
            output.Write(prompt);
        }
    }

    private static string CommonPrefix(IReadOnlyList<string> words)
    {
        var prefix = words[0];
        foreach (var word in words.Skip(1))
        {
            var length = 0;
            while (length < prefix.Length && length < word.Length && prefix[length] == word[length])
            {
                length++;
            }
            prefix = prefix[..length];
        }
        return prefix;
    }

    private static void Replace(StringBuilder line, string text, ref int cursor)
    {
        line.Clear().Append(text);
        cursor = line.Length;
    }

    private void Redraw(string prompt, StringBuilder line, int cursor)
    {
        // Carriage return, prompt and line, clear to the end of the screen line, cursor back into place.
        output.Write('\r');
        output.Write(prompt);
        output.Write(line);
        output.Write("\u001b[K");
        if (line.Length > cursor)
        {
            output.Write($"\u001b[{line.Length - cursor}D");
        }
        output.Flush();
    }
}

/// <summary>The editor on the real terminal: Ctrl-C is read as a key while a line is edited (it
/// abandons the line), and is a signal again while a command runs (it stops the command).</summary>
public sealed class TerminalLineReader(LineEditor editor) : ILineReader
{
    public string? ReadLine(string prompt)
    {
        var before = System.Console.TreatControlCAsInput;
        System.Console.TreatControlCAsInput = true;
        try
        {
            return editor.ReadLine(prompt);
        }
        finally
        {
            System.Console.TreatControlCAsInput = before;
        }
    }
}
