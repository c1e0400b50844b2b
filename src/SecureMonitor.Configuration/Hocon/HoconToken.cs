namespace SecureMonitor.Configuration.Hocon;

/// <summary>
/// One token. <see cref="Text"/> is the decoded value for strings, the raw text otherwise;
/// substitutions carry their parsed path.
/// </summary>
internal readonly record struct HoconToken(HoconTokenKind Kind, string Text, int Line, int Column)
{
    public HoconPath? SubstitutionPath { get; init; }

    public bool IsOptionalSubstitution { get; init; }

    /// <summary>How the token is named in "found ..." messages.</summary>
    public static string Describe(HoconToken token) => token.Kind switch
    {
        HoconTokenKind.Newline => "end of line",
        HoconTokenKind.EndOfInput => "end of input",
        HoconTokenKind.Whitespace => "whitespace",
        HoconTokenKind.QuotedString => $"string \"{Shorten(token.Text)}\"",
        HoconTokenKind.TripleQuotedString => "triple-quoted string",
        HoconTokenKind.Substitution => $"substitution '{token.Text}'",
        _ => $"'{Shorten(token.Text)}'",
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";
}
