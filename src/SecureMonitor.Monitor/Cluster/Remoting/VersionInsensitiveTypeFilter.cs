using System.Collections.Frozen;
using Hyperion;

namespace SecureMonitor.Monitor.Cluster.Remoting;

/// <summary>
/// Hyperion's type filter, matching by full type name and assembly name only. Hyperion 0.12.2's own
/// <c>TypeFilter</c> compares the versioned name it reads with the short names of the allow-list, so
/// nothing ever matches (measured: every send fails).
/// </summary>
public sealed class VersionInsensitiveTypeFilter : ITypeFilter
{
    private readonly FrozenSet<string> _allowed;

    /// <param name="allowedTypeNames">Assembly-qualified names, with or without version, culture and token.</param>
    public VersionInsensitiveTypeFilter(IEnumerable<string> allowedTypeNames)
    {
        ArgumentNullException.ThrowIfNull(allowedTypeNames);
        _allowed = allowedTypeNames.Select(TypeNames.Normalize).ToFrozenSet(StringComparer.Ordinal);
    }

    public IReadOnlyCollection<string> AllowedNames => _allowed;

    public bool IsAllowed(string typeName) =>
        !string.IsNullOrEmpty(typeName) && _allowed.Contains(TypeNames.Normalize(typeName));

    public bool IsAllowed(Type type) => type.AssemblyQualifiedName is { } name && IsAllowed(name);
}
