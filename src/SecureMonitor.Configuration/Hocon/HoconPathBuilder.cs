using System.Text;

namespace SecureMonitor.Configuration.Hocon;

/// <summary>
/// Assembles a key path from the pieces a key is written with: unquoted text is split at '.',
/// quoted text is taken literally (<c>"a.b".c</c> has two segments), whitespace between pieces
/// belongs to the segment (<c>a b = 1</c> has the key "a b"). Empty segments are errors, reported
/// at the offending '.'.
/// </summary>
internal sealed class HoconPathBuilder
{
    private readonly string source;
    private readonly string what;
    private readonly List<string> segments = [];
    private readonly StringBuilder current = new();
    private bool currentHasContent;
    private int lastDotLine;
    private int lastDotColumn;

    /// <param name="what">"key" or "substitution path", for messages.</param>
    public HoconPathBuilder(string source, string what)
    {
        this.source = source;
        this.what = what;
    }

    public void AppendUnquoted(string text, int line, int column)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '.')
            {
                current.Append(c);
                currentHasContent = true;
                continue;
            }

            if (!currentHasContent)
            {
                throw new HoconException(source, line, column + i, segments.Count == 0 && current.Length == 0
                    ? $"invalid {what}: it cannot start with '.'"
                    : $"invalid {what}: empty segment before '.' (two dots in a row?)");
            }

            segments.Add(current.ToString());
            current.Clear();
            currentHasContent = false;
            lastDotLine = line;
            lastDotColumn = column + i;
        }
    }

    public void AppendQuoted(string text, int line, int column)
    {
        if (text.Length == 0)
        {
            throw new HoconException(source, line, column, $"invalid {what}: empty quoted segment \"\"");
        }

        current.Append(text);
        currentHasContent = true;
    }

    public void AppendWhitespace(string whitespace) => current.Append(whitespace);

    /// <param name="line">Where the path ended, for the "empty path" error.</param>
    public HoconPath Build(int line, int column)
    {
        if (!currentHasContent)
        {
            if (segments.Count == 0)
            {
                throw new HoconException(source, line, column, $"expected a {what}");
            }

            throw new HoconException(source, lastDotLine, lastDotColumn, $"invalid {what} '{HoconPath.Render(segments)}.': expected a segment after '.'");
        }

        segments.Add(current.ToString());
        return new HoconPath([.. segments]);
    }
}
