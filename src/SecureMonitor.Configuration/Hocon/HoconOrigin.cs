namespace SecureMonitor.Configuration.Hocon;

/// <summary>
/// Where a value or an error comes from: a file (or a named source) and a 1-based line and column.
/// A value taken from an environment variable by <c>${?NAME}</c> keeps the position of that
/// substitution and names the variable, so an error can point at both.
/// </summary>
public readonly record struct HoconOrigin(string Source, int Line, int Column)
{
    /// <summary>The environment variable the value was read from, or null.</summary>
    public string? EnvironmentVariable { get; init; }

    /// <summary><c>FILE:LINE:COLUMN</c>, the prefix used by every error message.</summary>
    public override string ToString() => Line > 0 ? $"{Source}:{Line}:{Column}" : Source;

    /// <summary>Like <see cref="ToString"/>, plus the environment variable when there is one.</summary>
    public string Describe() =>
        EnvironmentVariable is null ? ToString() : $"{this} (environment variable {EnvironmentVariable})";
}
