using System.Text;

namespace SecureMonitor.Configuration.Hocon;

/// <summary>A key path such as <c>a.b."c.d"</c>: the segments after unquoting.</summary>
internal sealed class HoconPath
{
    public HoconPath(string[] segments)
    {
        Segments = segments;
    }

    public string[] Segments { get; }

    public override string ToString() => Render(Segments);

    /// <summary>Parses a path written as in a HOCON file (<c>a.b</c>, <c>"a.b".c</c>).</summary>
    public static HoconPath Parse(string path)
    {
        const string source = "<path>";
        var builder = new HoconPathBuilder(source, "path");
        foreach (var token in HoconLexer.Tokenize(path, source))
        {
            switch (token.Kind)
            {
                case HoconTokenKind.Unquoted:
                    builder.AppendUnquoted(token.Text, token.Line, token.Column);
                    break;
                case HoconTokenKind.QuotedString:
                    builder.AppendQuoted(token.Text, token.Line, token.Column);
                    break;
                case HoconTokenKind.EndOfInput:
                    return builder.Build(token.Line, token.Column);
                default:
                    throw new HoconException(source, token.Line, token.Column, $"unexpected {HoconToken.Describe(token)} in path '{path}'");
            }
        }

        throw new InvalidOperationException("the lexer always ends with an end-of-input token");
    }

    public static string Render(IReadOnlyList<string> segments)
    {
        var text = new StringBuilder();
        for (var i = 0; i < segments.Count; i++)
        {
            if (i > 0)
            {
                text.Append('.');
            }

            AppendSegment(text, segments[i]);
        }

        return text.ToString();
    }

    private static void AppendSegment(StringBuilder text, string segment)
    {
        if (segment.Length > 0 && segment.All(c => c != '.' && HoconLexer.IsUnquotedChar(c)) && !segment.Contains("//", StringComparison.Ordinal))
        {
            text.Append(segment);
            return;
        }

        text.Append('"');
        foreach (var c in segment)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                default:
                    if (c < ' ')
                    {
                        text.Append($"\\u{(int)c:x4}");
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        text.Append('"');
    }
}
