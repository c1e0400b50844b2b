namespace SecureMonitor.Configuration.Hocon;

/// <summary>What the parser of one file needs to know about where that file was loaded from.</summary>
/// <param name="Source">The file's full path, or the name given to a parsed string.</param>
/// <param name="IncludeDirectory">Where the file's includes are looked up: its own directory.</param>
/// <param name="IncludeChain">Full paths of the files being included, outermost first, to detect cycles.</param>
/// <param name="SubstitutionPrefix">The path the file was included at: its substitutions are looked up there first.</param>
internal sealed record HoconDocumentContext(string Source, string IncludeDirectory, IReadOnlyList<string> IncludeChain, string[] SubstitutionPrefix);
