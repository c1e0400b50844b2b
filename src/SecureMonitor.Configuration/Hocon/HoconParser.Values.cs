namespace SecureMonitor.Configuration.Hocon;

/// <summary>Values: simple values, arrays, objects and their concatenations.</summary>
internal sealed partial class HoconParser
{
    private void ParseFieldValue(ObjectTarget target, HoconPath key, string[]? fullPath)
    {
        // An object standing alone is applied field by field to the object already at the key,
        // so that each field knows the value it overrides (for ${?X} and self-references).
        if (Peek().Kind == HoconTokenKind.LeftBrace && IsObjectStandingAlone(index))
        {
            var opening = Next();
            var obj = HoconTreeBuilder.OpenObject(target.Object, key.Segments, key.Segments.Length, fullPath, OriginOf(opening));
            ParseObjectBody(new ObjectTarget(obj, fullPath), opening);
            return;
        }

        var value = ParseValue($"key '{key}'");
        HoconTreeBuilder.Assign(target.Object, key.Segments, fullPath, value);
    }

    /// <summary><c>key += value</c> means <c>key = ${?key} [value]</c>.</summary>
    private void ParseAppend(ObjectTarget target, HoconPath key, string[]? fullPath, HoconToken plusEquals)
    {
        var element = ParseValue($"key '{key}'");
        var origin = OriginOf(plusEquals);
        var appended = new HoconArray([element], element.Origin);
        var value = new HoconConcatenation(
            [new ConcatenationPart("", HoconSubstitution.SelfReference(key, origin)), new ConcatenationPart("", appended)],
            key.ToString(),
            origin);
        HoconTreeBuilder.Assign(target.Object, key.Segments, fullPath, value);
    }

    private bool IsObjectStandingAlone(int openingIndex)
    {
        var closing = closingIndex[openingIndex];
        if (closing < 0)
        {
            return true; // unbalanced: parsing it reports the error at the right place
        }

        var next = closing + 1;
        while (tokens[next].Kind == HoconTokenKind.Whitespace)
        {
            next++;
        }

        return tokens[next].Kind is HoconTokenKind.Newline or HoconTokenKind.Comma or HoconTokenKind.RightBrace
            or HoconTokenKind.RightBracket or HoconTokenKind.EndOfInput;
    }

    /// <summary>
    /// Reads one value: adjacent simple values, arrays or objects on one line form a
    /// concatenation. Stops before ',', a line break, a closing bracket or end of input.
    /// </summary>
    /// <param name="owner">What the value belongs to, for messages ("key 'a'", "array element").</param>
    private HoconValue ParseValue(string owner)
    {
        var parts = new List<ConcatenationPart>(1);
        var whitespace = "";
        while (true)
        {
            var token = Peek();
            HoconValue part;
            switch (token.Kind)
            {
                case HoconTokenKind.Whitespace:
                    Next();
                    whitespace = token.Text;
                    continue;
                case HoconTokenKind.Unquoted:
                    Next();
                    part = ScalarFromUnquoted(token);
                    break;
                case HoconTokenKind.QuotedString or HoconTokenKind.TripleQuotedString:
                    Next();
                    part = HoconScalar.String(token.Text, OriginOf(token));
                    break;
                case HoconTokenKind.Substitution:
                    Next();
                    part = new HoconSubstitution(token.SubstitutionPath!, token.IsOptionalSubstitution, context.SubstitutionPrefix, OriginOf(token));
                    break;
                case HoconTokenKind.LeftBrace:
                    part = ParseStandaloneObject();
                    break;
                case HoconTokenKind.LeftBracket:
                    part = ParseArray();
                    break;
                case HoconTokenKind.Equals or HoconTokenKind.Colon or HoconTokenKind.PlusEquals:
                    throw Error(token, parts.Count == 0
                        ? $"expected a value for {owner}, found {HoconToken.Describe(token)}"
                        : $"unexpected {HoconToken.Describe(token)} in the value of {owner}; quote the text if it is meant literally");
                default:
                    if (parts.Count == 0)
                    {
                        throw Error(token, $"expected a value for {owner}, found {HoconToken.Describe(token)}");
                    }

                    return Concatenate(parts);
            }

            parts.Add(new ConcatenationPart(parts.Count == 0 ? "" : whitespace, part));
            whitespace = "";
        }
    }

    private static HoconValue Concatenate(List<ConcatenationPart> parts)
    {
        if (parts.Count == 1)
        {
            return parts[0].Value;
        }

        return parts.TrueForAll(part => part.Value.IsResolved)
            ? HoconConcatenator.Concatenate(parts, appendedKey: null, parts[0].Value.Origin)!
            : new HoconConcatenation(parts, appendedKey: null, parts[0].Value.Origin);
    }

    private HoconScalar ScalarFromUnquoted(HoconToken token)
    {
        var kind = token.Text switch
        {
            "true" or "false" => HoconValueKind.Boolean,
            "null" => HoconValueKind.Null,
            _ when HoconNumber.IsNumber(token.Text) => HoconValueKind.Number,
            _ => HoconValueKind.String,
        };
        return new HoconScalar(kind, kind == HoconValueKind.Null ? null : token.Text, OriginOf(token));
    }

    private HoconObject ParseStandaloneObject()
    {
        var opening = Next();
        var obj = new HoconObject(OriginOf(opening));
        ParseObjectBody(new ObjectTarget(obj, Path: null), opening);
        return obj;
    }

    private HoconArray ParseArray()
    {
        var opening = Next();
        EnterNesting(opening);
        var items = new List<HoconValue>();
        while (true)
        {
            SkipWhitespaceAndNewlines();
            var token = Peek();
            switch (token.Kind)
            {
                case HoconTokenKind.RightBracket:
                    Next();
                    depth--;
                    return new HoconArray(items, OriginOf(opening));
                case HoconTokenKind.EndOfInput:
                    throw Error(opening, "'[' is never closed: expected ']' before end of input");
                case HoconTokenKind.RightBrace:
                    throw Error(token, $"expected ']' to close the '[' at {opening.Line}:{opening.Column}, found '}}'");
                case HoconTokenKind.Comma:
                    throw Error(token, "expected an array element, found ','");
            }

            items.Add(ParseValue("array element"));
            SkipWhitespace();
            if (Peek().Kind == HoconTokenKind.Comma)
            {
                Next();
            }
        }
    }
}
