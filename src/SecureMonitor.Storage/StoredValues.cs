using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecureMonitor.Storage;

/// <summary>
/// How values are written to and strictly read back from a database, shared by every implementation:
/// times as microseconds since the Unix epoch (UTC), enums as lower-case names, lists as JSON.
/// Anything unexpected on the way back is a <see cref="StoredDataException"/>, never a guess.
/// </summary>
internal static class StoredValues
{
    private const long TicksPerMicrosecond = TimeSpan.TicksPerMillisecond / 1000;

    public static long ToMicros(DateTimeOffset t) => (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TicksPerMicrosecond;

    public static DateTimeOffset FromMicros(long micros) =>
        new(DateTimeOffset.UnixEpoch.UtcTicks + micros * TicksPerMicrosecond, TimeSpan.Zero);

    public static string ToText(MessageKind kind) => kind switch
    {
        MessageKind.Alert => "alert",
        MessageKind.Resolution => "resolution",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Only alerts and resolutions are stored as rows."),
    };

    public static MessageKind ParseKind(string text) => text switch
    {
        "alert" => MessageKind.Alert,
        "resolution" => MessageKind.Resolution,
        _ => throw new StoredDataException($"Unknown stored alert kind '{text}'."),
    };

    public static string ToText(AlertSeverity s) => s switch
    {
        AlertSeverity.Info => "info",
        AlertSeverity.Warning => "warning",
        AlertSeverity.Critical => "critical",
        _ => throw new ArgumentOutOfRangeException(nameof(s), s, null),
    };

    public static AlertSeverity ParseSeverity(string text) => text switch
    {
        "info" => AlertSeverity.Info,
        "warning" => AlertSeverity.Warning,
        "critical" => AlertSeverity.Critical,
        _ => throw new StoredDataException($"Unknown stored severity '{text}'."),
    };

    public static string ToText(AlertState s) => s switch
    {
        AlertState.Firing => "firing",
        AlertState.Resolved => "resolved",
        _ => throw new ArgumentOutOfRangeException(nameof(s), s, null),
    };

    public static AlertState ParseAlertState(string text) => text switch
    {
        "firing" => AlertState.Firing,
        "resolved" => AlertState.Resolved,
        _ => throw new StoredDataException($"Unknown stored alert state '{text}'."),
    };

    public static string ToText(IncidentState s) => s switch
    {
        IncidentState.Open => "open",
        IncidentState.Acknowledged => "acknowledged",
        IncidentState.Resolved => "resolved",
        _ => throw new ArgumentOutOfRangeException(nameof(s), s, null),
    };

    public static IncidentState ParseIncidentState(string text) => text switch
    {
        "open" => IncidentState.Open,
        "acknowledged" => IncidentState.Acknowledged,
        "resolved" => IncidentState.Resolved,
        _ => throw new StoredDataException($"Unknown stored incident state '{text}'."),
    };

    public static string ToJson(IReadOnlyList<string> values) =>
        JsonSerializer.Serialize(values as string[] ?? [.. values], StoredJsonContext.Default.StringArray);

    public static string ToJson(IReadOnlyList<IncidentEvidence> evidence) =>
        JsonSerializer.Serialize(evidence.Select(e => new StoredEvidence(ToMicros(e.At), e.HostId, e.Kind, e.Detail)).ToArray(),
            StoredJsonContext.Default.StoredEvidenceArray);

    public static IReadOnlyList<string> ParseStrings(string json, string what)
    {
        var values = Parse(json, StoredJsonContext.Default.StringArray, what);
        if (values.Any(v => v is null)) throw new StoredDataException($"Stored {what} contains null.");
        return values;
    }

    public static IReadOnlyList<IncidentEvidence> ParseEvidence(string json, string what) =>
        [.. Parse(json, StoredJsonContext.Default.StoredEvidenceArray, what).Select(e =>
            e is null ? throw new StoredDataException($"Stored {what} contains null.") : new IncidentEvidence(FromMicros(e.At), e.Host, e.Kind, e.Detail))];

    private static T Parse<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, string what) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(json, type) ?? throw new StoredDataException($"Stored {what} is null.");
        }
        catch (JsonException e)
        {
            throw new StoredDataException($"Stored {what} is not valid: {e.Message}", e);
        }
    }
}

/// <summary>Evidence as stored in JSON: short names, time in microseconds, every member required.</summary>
internal sealed record StoredEvidence(
    [property: JsonPropertyName("at"), JsonRequired] long At,
    [property: JsonPropertyName("host"), JsonRequired] string Host,
    [property: JsonPropertyName("kind"), JsonRequired] string Kind,
    [property: JsonPropertyName("detail"), JsonRequired] string Detail);

/// <summary>Strict JSON: unknown members, missing members, nulls where not allowed, trailing commas and comments are errors.</summary>
[JsonSourceGenerationOptions(
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    AllowTrailingCommas = false,
    ReadCommentHandling = JsonCommentHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(StoredEvidence[]))]
internal sealed partial class StoredJsonContext : JsonSerializerContext;
