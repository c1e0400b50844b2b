using System.Text.RegularExpressions;

namespace SecureMonitor.Monitor.Cluster.Remoting;

/// <summary>
/// Assembly-qualified type names without Version, Culture and PublicKeyToken, so that an allow-list entry
/// keeps matching across our own releases and whichever form (short or full) a serializer writes.
/// </summary>
public static partial class TypeNames
{
    // Each of the three attributes, wherever it appears (also inside generic arguments).
    [GeneratedRegex(@"\s*,\s*(Version|Culture|PublicKeyToken)\s*=\s*[^,\]]*", RegexOptions.CultureInvariant)]
    private static partial Regex AssemblyAttributes();

    [GeneratedRegex(@"\s*,\s*", RegexOptions.CultureInvariant)]
    private static partial Regex CommaSpacing();

    /// <summary>"Ns.Type, Assembly" from any assembly-qualified spelling of the same type.</summary>
    public static string Normalize(string assemblyQualifiedName)
    {
        ArgumentNullException.ThrowIfNull(assemblyQualifiedName);
        var bare = AssemblyAttributes().Replace(assemblyQualifiedName, string.Empty);
        return CommaSpacing().Replace(bare.Trim(), ", ");
    }

    /// <summary>The normalized name of <paramref name="type"/>.</summary>
    public static string Of(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return Normalize(type.AssemblyQualifiedName
            ?? throw new ArgumentException($"Type {type} has no assembly-qualified name (a generic parameter?).", nameof(type)));
    }
}
