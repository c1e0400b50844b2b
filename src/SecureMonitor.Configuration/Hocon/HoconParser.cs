namespace SecureMonitor.Configuration.Hocon;

/// <summary>
/// Recursive-descent parser over the tokens of one file. Fields are applied to the tree as they
/// are read (<see cref="HoconTreeBuilder"/>), so later definitions merge over earlier ones in
/// file order, includes included. This part reads objects, fields and keys; values and includes
/// are in the other parts of the class.
/// </summary>
internal sealed partial class HoconParser
{
    private const int MaxNestingDepth = 200;

    private readonly List<HoconToken> tokens;
    private readonly string source;
    private readonly HoconDocumentContext context;
    private readonly int[] closingIndex;
    private int index;
    private int depth;

    private HoconParser(List<HoconToken> tokens, string source, HoconDocumentContext context)
    {
        this.tokens = tokens;
        this.source = source;
        this.context = context;
        closingIndex = MatchBrackets(tokens);
    }

    /// <summary>Parses <paramref name="text"/> and applies its fields to <paramref name="target"/>.</summary>
    /// <param name="nestingDepth">How deep the include site is nested: the limit spans included files.</param>
    public static void ParseInto(string text, HoconDocumentContext context, ObjectTarget target, int nestingDepth = 0)
    {
        var tokens = HoconLexer.Tokenize(text, context.Source);
        new HoconParser(tokens, context.Source, context) { depth = nestingDepth }.ParseDocument(target);
    }

    /// <summary>
    /// Where fields go: an object, and its full path from the root when it has one (objects that
    /// are array elements or concatenation parts do not; self-references cannot point into them).
    /// </summary>
    internal readonly record struct ObjectTarget(HoconObject Object, string[]? Path);

    private HoconToken Peek() => tokens[index];

    private HoconToken Next() => tokens[index++];

    private HoconOrigin OriginOf(HoconToken token) => new(source, token.Line, token.Column);

    private HoconException Error(HoconToken token, string reason) => new(OriginOf(token), reason);

    private void SkipWhitespace()
    {
        while (tokens[index].Kind == HoconTokenKind.Whitespace)
        {
            index++;
        }
    }

    private void SkipWhitespaceAndNewlines()
    {
        while (tokens[index].Kind is HoconTokenKind.Whitespace or HoconTokenKind.Newline)
        {
            index++;
        }
    }

    private void ParseDocument(ObjectTarget target)
    {
        SkipWhitespaceAndNewlines();
        var first = Peek();
        if (first.Kind == HoconTokenKind.LeftBracket)
        {
            throw Error(first, "the root of a configuration must be an object, found '['");
        }

        if (first.Kind != HoconTokenKind.LeftBrace)
        {
            ParseObjectBody(target, opening: null);
            return;
        }

        Next();
        ParseObjectBody(target, opening: first);
        SkipWhitespaceAndNewlines();
        var after = Peek();
        if (after.Kind != HoconTokenKind.EndOfInput)
        {
            throw Error(after, $"expected end of input after the root object's closing '}}', found {HoconToken.Describe(after)}");
        }
    }

    /// <summary>Reads fields until the '}' closing <paramref name="opening"/>, or until end of input for a root without braces.</summary>
    private void ParseObjectBody(ObjectTarget target, HoconToken? opening)
    {
        EnterNesting(opening);
        while (true)
        {
            SkipWhitespaceAndNewlines();
            var token = Peek();
            switch (token.Kind)
            {
                case HoconTokenKind.RightBrace when opening is not null:
                    Next();
                    depth--;
                    return;
                case HoconTokenKind.RightBrace:
                    throw Error(token, "unexpected '}' without a matching '{'");
                case HoconTokenKind.EndOfInput when opening is { } open:
                    throw Error(open, "'{' is never closed: expected '}' before end of input");
                case HoconTokenKind.EndOfInput:
                    depth--;
                    return;
                case HoconTokenKind.RightBracket:
                    throw Error(token, opening is { } brace
                        ? $"expected '}}' to close the '{{' at {brace.Line}:{brace.Column}, found ']'"
                        : "unexpected ']' without a matching '['");
                case HoconTokenKind.Unquoted when token.Text == "include":
                    ParseInclude(target);
                    ExpectFieldEnd("include");
                    break;
                default:
                    var key = ParseField(target);
                    ExpectFieldEnd($"'{key}'");
                    break;
            }
        }
    }

    private void EnterNesting(HoconToken? opening)
    {
        if (++depth > MaxNestingDepth && opening is { } open)
        {
            throw Error(open, $"objects and arrays are nested more than {MaxNestingDepth} levels deep");
        }
    }

    /// <summary>After a field: a comma, a line break, or the end of the object.</summary>
    private void ExpectFieldEnd(string what)
    {
        SkipWhitespace();
        var token = Peek();
        switch (token.Kind)
        {
            case HoconTokenKind.Comma:
                Next();
                return;
            case HoconTokenKind.Newline or HoconTokenKind.RightBrace or HoconTokenKind.EndOfInput or HoconTokenKind.RightBracket:
                return;
            default:
                throw Error(token, $"expected ',' or a new line after {what}, found {HoconToken.Describe(token)}");
        }
    }

    /// <returns>The key, for messages.</returns>
    private HoconPath ParseField(ObjectTarget target)
    {
        var keyToken = Peek();
        var key = ParseKey();
        // a.b.c = 1 nests as deeply as a { b { c = 1 } }: each segment past the first is a level.
        var keyLevels = key.Segments.Length - 1;
        if (depth + keyLevels > MaxNestingDepth)
        {
            throw Error(keyToken, $"objects and arrays are nested more than {MaxNestingDepth} levels deep (counting the key's {key.Segments.Length} path segments)");
        }

        depth += keyLevels;
        string[]? fullPath = target.Path is null ? null : [.. target.Path, .. key.Segments];
        SkipWhitespace();
        var separator = Peek();
        switch (separator.Kind)
        {
            case HoconTokenKind.LeftBrace:
                ParseFieldValue(target, key, fullPath);
                break;
            case HoconTokenKind.Equals or HoconTokenKind.Colon:
                Next();
                SkipWhitespace();
                ParseFieldValue(target, key, fullPath);
                break;
            case HoconTokenKind.PlusEquals:
                Next();
                SkipWhitespace();
                ParseAppend(target, key, fullPath, separator);
                break;
            default:
                throw Error(separator, $"expected '=', ':' or '{{' after key '{key}', found {HoconToken.Describe(separator)}");
        }

        depth -= keyLevels;
        return key;
    }

    private HoconPath ParseKey()
    {
        var first = Peek();
        if (first.Kind is not (HoconTokenKind.Unquoted or HoconTokenKind.QuotedString))
        {
            throw Error(first, first.Kind switch
            {
                HoconTokenKind.TripleQuotedString => "a triple-quoted string cannot be a key",
                HoconTokenKind.Substitution => "a substitution cannot be a key",
                _ => $"expected a key, found {HoconToken.Describe(first)}",
            });
        }

        var path = new HoconPathBuilder(source, "key");
        while (true)
        {
            var token = Peek();
            switch (token.Kind)
            {
                case HoconTokenKind.Unquoted:
                    path.AppendUnquoted(token.Text, token.Line, token.Column);
                    break;
                case HoconTokenKind.QuotedString:
                    path.AppendQuoted(token.Text, token.Line, token.Column);
                    break;
                case HoconTokenKind.Whitespace when tokens[index + 1].Kind is HoconTokenKind.Unquoted or HoconTokenKind.QuotedString:
                    path.AppendWhitespace(token.Text);
                    break;
                case HoconTokenKind.TripleQuotedString or HoconTokenKind.Substitution:
                    throw Error(token, $"unexpected {HoconToken.Describe(token)} in a key");
                default:
                    return path.Build(token.Line, token.Column);
            }

            Next();
        }
    }

    /// <summary>For each '{' and '[': the index of the token closing it, or -1.</summary>
    private static int[] MatchBrackets(List<HoconToken> tokens)
    {
        var closing = new int[tokens.Count];
        Array.Fill(closing, -1);
        var open = new Stack<int>();
        for (var i = 0; i < tokens.Count; i++)
        {
            var kind = tokens[i].Kind;
            if (kind is HoconTokenKind.LeftBrace or HoconTokenKind.LeftBracket)
            {
                open.Push(i);
            }
            else if (kind is HoconTokenKind.RightBrace or HoconTokenKind.RightBracket
                && open.TryPeek(out var top)
                && (tokens[top].Kind == HoconTokenKind.LeftBrace) == (kind == HoconTokenKind.RightBrace))
            {
                closing[open.Pop()] = i;
            }
        }

        return closing;
    }
}
