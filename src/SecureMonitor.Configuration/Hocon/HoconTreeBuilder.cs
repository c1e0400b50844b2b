namespace SecureMonitor.Configuration.Hocon;

/// <summary>
/// Applies field assignments to a tree while parsing, in file order, following the spec:
/// <c>a.b.c = 1</c> opens (or creates) objects a and a.b; an object value merges into an earlier
/// object; any other value replaces the earlier one; a value holding substitutions is stored as
/// a <see cref="HoconPendingAssignment"/> that remembers what it overrides.
/// </summary>
internal static class HoconTreeBuilder
{
    /// <summary>Opens the object at <paramref name="keyPath"/> below <paramref name="target"/>, creating it as needed.</summary>
    /// <param name="fullPath">The full path of <paramref name="keyPath"/> from the root, or null when unknown.</param>
    public static HoconObject OpenObject(HoconObject target, string[] keyPath, int count, string[]? fullPath, HoconOrigin origin)
    {
        var current = target;
        for (var i = 0; i < count; i++)
        {
            var childPath = fullPath?[..(fullPath.Length - keyPath.Length + i + 1)];
            current = OpenChild(current, keyPath[i], childPath, origin);
        }

        return current;
    }

    public static void Assign(HoconObject target, string[] keyPath, string[]? fullPath, HoconValue value)
    {
        var parent = OpenObject(target, keyPath, keyPath.Length - 1, fullPath, value.Origin);
        var key = keyPath[^1];
        var existing = parent.GetOrNull(key);
        var replacesOutright = existing is null or HoconScalar or HoconArray || value is HoconScalar;
        if (value.IsResolved && replacesOutright)
        {
            parent.Set(key, value);
        }
        else
        {
            parent.Set(key, new HoconPendingAssignment(fullPath, existing, value, value.Origin));
        }
    }

    private static HoconObject OpenChild(HoconObject parent, string key, string[]? childPath, HoconOrigin origin)
    {
        switch (parent.GetOrNull(key))
        {
            case HoconObject existing:
                return existing;
            case HoconPendingAssignment { Later: HoconObject later, HasResult: false }:
                // Fields added here merge over the pending value when it is resolved.
                return later;
            case HoconPendingAssignment pending:
                var overriding = new HoconObject(origin);
                parent.Set(key, new HoconPendingAssignment(childPath, pending, overriding, origin));
                return overriding;
            default:
                var created = new HoconObject(origin);
                parent.Set(key, created);
                return created;
        }
    }
}
