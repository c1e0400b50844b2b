namespace SecureMonitor.Configuration.Hocon;

internal enum HoconTokenKind
{
    LeftBrace,
    RightBrace,
    LeftBracket,
    RightBracket,
    Comma,
    Equals,
    Colon,
    PlusEquals,

    /// <summary>A line break; comments are dropped but the line break ending them stays.</summary>
    Newline,

    /// <summary>Spaces and tabs: kept because they are part of concatenated strings and keys.</summary>
    Whitespace,
    Unquoted,
    QuotedString,
    TripleQuotedString,
    Substitution,
    EndOfInput,
}
