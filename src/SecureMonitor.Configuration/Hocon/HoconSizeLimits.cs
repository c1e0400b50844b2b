namespace SecureMonitor.Configuration.Hocon;

/// <summary>
/// Bounds on what a configuration may expand to. Substitutions share values, so a few lines can
/// name one value 2^40 times (<c>b = ${a}${a}</c>, <c>c = ${b}${b}</c>, ...: "billion laughs"). Every
/// concatenation is checked as it is joined, and the resolved tree is measured the way its consumers
/// walk it (each reference counted again, keys as flattened) before anything walks it; a
/// configuration over a limit is a <see cref="HoconException"/> where it grew too big, far above any
/// real configuration and far below what would exhaust memory, time or the stack.
/// </summary>
internal static class HoconSizeLimits
{
    /// <summary>
    /// Values (objects, arrays, scalars) in the expanded configuration, and elements in one array. The
    /// shipped files have a few hundred; Microsoft.Extensions.Configuration lists a section's children
    /// by scanning every key, so walking a configuration (as the Akka settings are built) costs the
    /// square of its size: 10,000 keeps that well under a second.
    /// </summary>
    public const int MaxValues = 10_000;

    /// <summary>UTF-16 characters of the flattened configuration (keys and values), and of one string.</summary>
    public const int MaxCharacters = 1024 * 1024;

    /// <summary>Nesting once substitutions put objects inside objects; the parser allows 200 in the text.</summary>
    public const int MaxDepth = 400;

    public static void CheckTextLength(long length, HoconOrigin origin)
    {
        if (length > MaxCharacters)
        {
            throw new HoconException(origin, $"a concatenated string would be longer than {MaxCharacters:N0} characters");
        }
    }

    public static void CheckArrayLength(long count, HoconOrigin origin)
    {
        if (count > MaxValues)
        {
            throw new HoconException(origin, $"a concatenated array would have more than {MaxValues:N0} elements");
        }
    }

    /// <summary>Measures the resolved tree; stops at the first limit crossed, so it costs at most the limits.</summary>
    public static void Check(HoconObject root) => new Measure().Add(root, depth: 0, keyLength: 0);

    private sealed class Measure
    {
        private long values;
        private long characters;

        public void Add(HoconValue value, int depth, long keyLength)
        {
            if (++values > MaxValues)
            {
                throw new HoconException(value.Origin, $"the configuration expands to more than {MaxValues:N0} values (through substitutions)");
            }

            if (depth > MaxDepth)
            {
                throw new HoconException(value.Origin, $"objects and arrays are nested more than {MaxDepth} levels deep once substitutions are resolved");
            }

            switch (value)
            {
                case HoconObject { Count: > 0 } obj:
                    foreach (var (key, field) in obj.Fields)
                    {
                        Add(field, depth + 1, keyLength + key.Length + 1);
                    }

                    break;
                case HoconArray { Count: > 0 } array:
                    foreach (var item in array.Items)
                    {
                        Add(item, depth + 1, keyLength + 8); // ":" and an index
                    }

                    break;
                default:
                    characters += keyLength + ((value as HoconScalar)?.Text?.Length ?? 0);
                    if (characters > MaxCharacters)
                    {
                        throw new HoconException(value.Origin, $"the configuration expands to more than {MaxCharacters:N0} characters of keys and values (through substitutions)");
                    }

                    break;
            }
        }
    }
}
