namespace SecureMonitor.Configuration.Hocon;

/// <summary>
/// Object merging: a later object's fields override an earlier object's, objects below merge
/// recursively. Works on objects whose fields are still unresolved: a pending later field gets
/// the earlier field linked as the value it overrides, so <c>${?X}</c> and self-references in
/// it see the right earlier value.
/// </summary>
internal static class HoconMerger
{
    public static HoconObject Merge(HoconObject earlier, HoconObject later)
    {
        var merged = new HoconObject(later.Origin);
        foreach (var (key, value) in earlier.Fields)
        {
            merged.Set(key, value);
        }

        foreach (var (key, laterValue) in later.Fields)
        {
            var earlierValue = merged.GetOrNull(key);
            merged.Set(key, earlierValue is null ? laterValue : Override(earlierValue, laterValue));
        }

        return merged;
    }

    /// <summary>The value of a field that held <paramref name="earlier"/> and is then given <paramref name="later"/>.</summary>
    private static HoconValue Override(HoconValue earlier, HoconValue later)
    {
        switch (later)
        {
            case HoconObject laterObject when earlier is HoconObject earlierObject:
                return Merge(earlierObject, laterObject);
            case HoconObject laterObject when earlier is HoconPendingAssignment:
                // Whether the earlier value is an object is known only after resolving it.
                return new HoconPendingAssignment(null, earlier, laterObject, laterObject.Origin);
            case HoconPendingAssignment { HasResult: false } pending:
                pending.Earlier = pending.Earlier is null ? earlier : Override(earlier, pending.Earlier);
                return pending;
            default:
                return later;
        }
    }
}
