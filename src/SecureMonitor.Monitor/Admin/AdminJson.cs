using System.Globalization;
using System.Text.Json.Nodes;

namespace SecureMonitor.Monitor.Admin;

/// <summary>How results put values into JSON: times as ISO 8601 in UTC (the console shows them in
/// the operator's zone), absent values as null.</summary>
public static class AdminJson
{
    public static string Time(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static JsonNode? Time(DateTimeOffset? at) => at is { } value ? Time(value) : null;

    public static JsonArray Array<T>(IEnumerable<T> items, Func<T, JsonNode?> map) => new([.. items.Select(map)]);

    public static JsonArray Strings(IEnumerable<string> items) => Array(items, item => (JsonNode?)item);
}
