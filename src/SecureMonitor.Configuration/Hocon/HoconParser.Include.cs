namespace SecureMonitor.Configuration.Hocon;

/// <summary>
/// <c>include "file"</c>, <c>include file("file")</c>, <c>include required("file")</c> and
/// <c>include required(file("file"))</c>. Paths are relative to the including file. Unlike the
/// spec, a missing file is always an error: a silently skipped configuration file is how a
/// monitor ends up running with defaults.
/// </summary>
internal sealed partial class HoconParser
{
    private const int MaxIncludeDepth = 32;

    private void ParseInclude(ObjectTarget target)
    {
        var keyword = Next();
        var afterKeyword = Peek();
        if (afterKeyword.Kind != HoconTokenKind.Whitespace)
        {
            throw Error(afterKeyword, $"expected a quoted file name after 'include', found {HoconToken.Describe(afterKeyword)} (quote \"include\" to use it as a key)");
        }

        SkipWhitespace();
        var fileName = ParseIncludeTarget();
        var fullPath = ResolveIncludePath(keyword, fileName);
        var text = HoconFileReader.ReadIncluded(fullPath, fileName, OriginOf(keyword));
        var includedContext = new HoconDocumentContext(
            fullPath,
            Path.GetDirectoryName(fullPath) ?? context.IncludeDirectory,
            [.. context.IncludeChain, fullPath],
            target.Path ?? []);
        ParseInto(text, includedContext, target, depth);
    }

    /// <summary>Reads <c>"name"</c> or one of the <c>file(...)</c> / <c>required(...)</c> forms.</summary>
    private string ParseIncludeTarget()
    {
        var token = Peek();
        if (token.Kind == HoconTokenKind.QuotedString)
        {
            Next();
            return RequireNonEmpty(token);
        }

        if (token.Kind != HoconTokenKind.Unquoted)
        {
            throw Error(token, $"expected a quoted file name after 'include', found {HoconToken.Describe(token)}");
        }

        // The lexer reads "required(file(" and "))" as unquoted text around the quoted name.
        var closing = token.Text switch
        {
            "file(" or "required(" => ")",
            "required(file(" => "))",
            _ when token.Text.StartsWith("url(", StringComparison.Ordinal) || token.Text.StartsWith("classpath(", StringComparison.Ordinal)
                || token.Text.StartsWith("required(url(", StringComparison.Ordinal) || token.Text.StartsWith("required(classpath(", StringComparison.Ordinal)
                => throw Error(token, "only file includes are supported: use include \"file\" or include file(\"file\")"),
            _ => throw Error(token, $"expected a quoted file name after 'include', found {HoconToken.Describe(token)}"),
        };
        Next();

        var name = Next();
        if (name.Kind != HoconTokenKind.QuotedString)
        {
            throw Error(name, $"expected a quoted file name inside '{token.Text}', found {HoconToken.Describe(name)}");
        }

        var end = Next();
        if (end.Kind != HoconTokenKind.Unquoted || end.Text != closing)
        {
            throw Error(end, $"expected '{closing}' after the file name, found {HoconToken.Describe(end)}");
        }

        return RequireNonEmpty(name);
    }

    private string RequireNonEmpty(HoconToken name) =>
        name.Text.Length > 0 ? name.Text : throw Error(name, "the include file name is empty");

    private string ResolveIncludePath(HoconToken keyword, string fileName)
    {
        string fullPath;
        try
        {
            fullPath = Path.GetFullPath(Path.Combine(context.IncludeDirectory, fileName));
        }
        catch (Exception exception) when (exception is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new HoconException(OriginOf(keyword), $"invalid include file name '{fileName}': {exception.Message}", exception);
        }

        if (context.IncludeChain.Contains(fullPath, StringComparer.Ordinal))
        {
            throw Error(keyword, $"include cycle: {string.Join(" -> ", context.IncludeChain)} -> {fullPath}");
        }

        if (context.IncludeChain.Count >= MaxIncludeDepth)
        {
            throw Error(keyword, $"includes are nested more than {MaxIncludeDepth} files deep");
        }

        return fullPath;
    }
}
