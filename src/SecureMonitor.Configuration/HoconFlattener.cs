using System.Globalization;
using SecureMonitor.Configuration.Hocon;

namespace SecureMonitor.Configuration;

/// <summary>
/// Turns a resolved tree into configuration keys, the way the JSON provider does: nested keys
/// joined by ':', array elements by index, empty objects and arrays as a null value. Keys that
/// configuration cannot represent faithfully are errors rather than silent collisions.
/// </summary>
internal static class HoconFlattener
{
    public sealed record Result(Dictionary<string, string?> Values, Dictionary<string, HoconOrigin> Origins);

    public static Result Flatten(HoconObject root)
    {
        var result = new Result(
            new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase),
            new Dictionary<string, HoconOrigin>(StringComparer.OrdinalIgnoreCase));
        AddObjectFields(root, prefix: null, result);
        return result;
    }

    private static void Add(HoconValue value, string key, Result result)
    {
        switch (value)
        {
            case HoconObject { Count: > 0 } obj:
                AddObjectFields(obj, key, result);
                break;
            case HoconArray { Count: > 0 } array:
                for (var i = 0; i < array.Count; i++)
                {
                    Add(array[i], $"{key}:{i.ToString(CultureInfo.InvariantCulture)}", result);
                }

                break;
            default:
                result.Values[key] = (value as HoconScalar)?.Text;
                result.Origins[key] = value.Origin;
                break;
        }
    }

    private static void AddObjectFields(HoconObject obj, string? prefix, Result result)
    {
        // Configuration keys ignore case, HOCON keys do not: "Port" and "port" would silently
        // become one key, so they are refused.
        var seen = new Dictionary<string, HoconValue>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in obj.Fields)
        {
            if (key.Contains(':', StringComparison.Ordinal))
            {
                throw new HoconException(value.Origin, $"key '{key}' contains ':', which configuration keys use as their separator");
            }

            if (seen.TryGetValue(key, out var other))
            {
                throw new HoconException(value.Origin, $"key '{key}' differs only in case from a key set at {other.Origin}; configuration keys ignore case");
            }

            seen.Add(key, value);
            Add(value, prefix is null ? key : $"{prefix}:{key}", result);
        }
    }
}
