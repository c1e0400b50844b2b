using System.Text;

namespace SecureMonitor.Configuration.Hocon;

/// <summary>
/// Turns HOCON text into tokens, tracking 1-based lines and columns (columns count UTF-16 code
/// units). Comments (<c>#</c>, <c>//</c>) are dropped; strings are decoded here so that every
/// escape error points at its backslash.
/// </summary>
internal sealed class HoconLexer
{
    private const string ForbiddenInUnquoted = "$\"{}[]:=,+#`^?!@*&\\";

    private readonly string text;
    private readonly string source;
    private readonly List<HoconToken> tokens = [];
    private int position;
    private int line = 1;
    private int column = 1;

    private HoconLexer(string text, string source)
    {
        this.text = text;
        this.source = source;
    }

    public static List<HoconToken> Tokenize(string text, string source) => new HoconLexer(text, source).Run();

    /// <summary>True for characters an unquoted string may contain ('.' included: keys split on it).</summary>
    public static bool IsUnquotedChar(char c) =>
        !IsWhitespace(c) && c != '\n' && !char.IsControl(c) && !ForbiddenInUnquoted.Contains(c);

    private static bool IsWhitespace(char c) => c != '\n' && (char.IsWhiteSpace(c) || c == '\uFEFF');

    private List<HoconToken> Run()
    {
        while (position < text.Length)
        {
            var c = text[position];
            switch (c)
            {
                case '\n': AddSingle(HoconTokenKind.Newline); break;
                case '{': AddSingle(HoconTokenKind.LeftBrace); break;
                case '}': AddSingle(HoconTokenKind.RightBrace); break;
                case '[': AddSingle(HoconTokenKind.LeftBracket); break;
                case ']': AddSingle(HoconTokenKind.RightBracket); break;
                case ',': AddSingle(HoconTokenKind.Comma); break;
                case '=': AddSingle(HoconTokenKind.Equals); break;
                case ':': AddSingle(HoconTokenKind.Colon); break;
                case '#': SkipComment(); break;
                case '/' when PeekChar(1) == '/': SkipComment(); break;
                case '"' when PeekChar(1) == '"' && PeekChar(2) == '"': LexTripleQuoted(); break;
                case '"': LexQuoted(); break;
                case '$': LexSubstitution(); break;
                case '+' when PeekChar(1) == '=':
                    tokens.Add(new HoconToken(HoconTokenKind.PlusEquals, "+=", line, column));
                    Advance(2);
                    break;
                default:
                    if (IsWhitespace(c))
                    {
                        LexWhitespace();
                    }
                    else if (IsUnquotedChar(c))
                    {
                        LexUnquoted();
                    }
                    else
                    {
                        throw UnexpectedCharacter(c, "");
                    }

                    break;
            }
        }

        tokens.Add(new HoconToken(HoconTokenKind.EndOfInput, "", line, column));
        return tokens;
    }

    private char PeekChar(int offset) => position + offset < text.Length ? text[position + offset] : '\0';

    private void Advance(int count)
    {
        for (var end = position + count; position < end; position++)
        {
            if (text[position] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }
    }

    private void AddSingle(HoconTokenKind kind)
    {
        tokens.Add(new HoconToken(kind, text[position].ToString(), line, column));
        Advance(1);
    }

    private HoconException Error(int errorLine, int errorColumn, string reason) => new(source, errorLine, errorColumn, reason);

    private HoconException UnexpectedCharacter(char c, string where)
    {
        var shown = char.IsControl(c) ? $"U+{(int)c:X4}" : $"'{c}'";
        var hint = c == '+' ? "; did you mean '+='?" : "; quote the text if it is meant literally";
        return Error(line, column, $"unexpected character {shown}{where}{hint}");
    }

    private void SkipComment()
    {
        while (position < text.Length && text[position] != '\n')
        {
            Advance(1);
        }
    }

    private void LexWhitespace()
    {
        int start = position, startColumn = column;
        while (position < text.Length && IsWhitespace(text[position]))
        {
            Advance(1);
        }

        tokens.Add(new HoconToken(HoconTokenKind.Whitespace, text[start..position], line, startColumn));
    }

    private void LexUnquoted()
    {
        int start = position, startColumn = column;
        while (position < text.Length)
        {
            var c = text[position];
            if (c == '/' && PeekChar(1) == '/')
            {
                break;
            }

            // An exponent sign belongs to the number ("1e+5"), although '+' is otherwise reserved.
            var isExponentSign = c == '+' && position > start && text[position - 1] is 'e' or 'E' && (char.IsAsciiDigit(text[start]) || text[start] == '-');
            if (!IsUnquotedChar(c) && !isExponentSign)
            {
                break;
            }

            Advance(1);
        }

        tokens.Add(new HoconToken(HoconTokenKind.Unquoted, text[start..position], line, startColumn));
    }

    private void LexQuoted()
    {
        int startLine = line, startColumn = column;
        var value = ReadQuotedString();
        tokens.Add(new HoconToken(HoconTokenKind.QuotedString, value, startLine, startColumn));
    }

    /// <summary>Reads a JSON string starting at the current '"' and returns it decoded.</summary>
    private string ReadQuotedString()
    {
        int startLine = line, startColumn = column;
        Advance(1);
        var value = new StringBuilder();
        while (true)
        {
            if (position >= text.Length || text[position] == '\n')
            {
                var why = position >= text.Length ? "" : "; a quoted string cannot span lines (use \"\"\" for multi-line text)";
                throw Error(startLine, startColumn, $"unterminated string: missing closing '\"'{why}");
            }

            var c = text[position];
            if (c == '"')
            {
                Advance(1);
                return value.ToString();
            }

            if (c == '\\')
            {
                value.Append(ReadEscape());
                continue;
            }

            if (c < ' ' && c != '\t')
            {
                throw Error(line, column, $"control character U+{(int)c:X4} in a quoted string; write it as an escape");
            }

            value.Append(c);
            Advance(1);
        }
    }

    private char ReadEscape()
    {
        int escapeLine = line, escapeColumn = column;
        var code = PeekChar(1);
        char decoded;
        switch (code)
        {
            case '"': decoded = '"'; break;
            case '\\': decoded = '\\'; break;
            case '/': decoded = '/'; break;
            case 'b': decoded = '\b'; break;
            case 'f': decoded = '\f'; break;
            case 'n': decoded = '\n'; break;
            case 'r': decoded = '\r'; break;
            case 't': decoded = '\t'; break;
            case 'u':
                var hex = position + 6 <= text.Length ? text.Substring(position + 2, 4) : text[(position + 2)..];
                if (hex.Length != 4 || !hex.All(char.IsAsciiHexDigit))
                {
                    var shown = new string(hex.TakeWhile(h => h != '"' && h != '\n').ToArray());
                    throw Error(escapeLine, escapeColumn, $"invalid unicode escape '\\u{shown}': expected four hexadecimal digits");
                }

                Advance(6);
                return (char)Convert.ToInt32(hex, 16);
            default:
                var shownCode = code is '\0' or '\n' ? "" : code.ToString();
                throw Error(escapeLine, escapeColumn, $"invalid escape '\\{shownCode}' in a quoted string (valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
        }

        Advance(2);
        return decoded;
    }

    private void LexTripleQuoted()
    {
        int startLine = line, startColumn = column;
        var contentStart = position + 3;
        var close = text.IndexOf("\"\"\"", contentStart, StringComparison.Ordinal);
        if (close < 0)
        {
            throw Error(startLine, startColumn, "unterminated triple-quoted string: missing closing '\"\"\"'");
        }

        // Quotes just before the closing three belong to the content: """a""""" is a"".
        while (close + 3 < text.Length && text[close + 3] == '"')
        {
            close++;
        }

        var value = text[contentStart..close];
        Advance(close + 3 - position);
        tokens.Add(new HoconToken(HoconTokenKind.TripleQuotedString, value, startLine, startColumn));
    }

    private void LexSubstitution()
    {
        int startLine = line, startColumn = column, start = position;
        if (PeekChar(1) != '{')
        {
            throw Error(line, column, "'$' must start a substitution such as ${a.b}; quote the text if it is meant literally");
        }

        Advance(2);
        var optional = PeekChar(0) == '?';
        if (optional)
        {
            Advance(1);
        }

        var path = new HoconPathBuilder(source, "substitution path");
        while (true)
        {
            if (position >= text.Length || text[position] == '\n')
            {
                throw Error(startLine, startColumn, "unterminated substitution: missing '}'");
            }

            var c = text[position];
            if (c == '}')
            {
                var built = path.Build(startLine, startColumn);
                Advance(1);
                tokens.Add(new HoconToken(HoconTokenKind.Substitution, text[start..position], startLine, startColumn)
                {
                    SubstitutionPath = built,
                    IsOptionalSubstitution = optional,
                });
                return;
            }

            if (c == '"')
            {
                int quoteLine = line, quoteColumn = column;
                path.AppendQuoted(ReadQuotedString(), quoteLine, quoteColumn);
            }
            else if (IsUnquotedChar(c))
            {
                int pieceStart = position, pieceColumn = column;
                while (position < text.Length && IsUnquotedChar(text[position]))
                {
                    Advance(1);
                }

                path.AppendUnquoted(text[pieceStart..position], line, pieceColumn);
            }
            else
            {
                throw UnexpectedCharacter(c, " in a substitution");
            }
        }
    }
}
