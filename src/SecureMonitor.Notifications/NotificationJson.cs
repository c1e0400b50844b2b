using System.Text.Json.Serialization;

namespace SecureMonitor.Notifications;

/// <summary>
/// The JSON shapes this assembly writes, generated at compile time (no reflection, no type names on
/// the wire). Webhook bodies are <see cref="IncidentNotification"/> in camelCase with enums as
/// lower-case strings; Alertmanager bodies follow its API v2 <c>postableAlerts</c>.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IncidentNotification))]
[JsonSerializable(typeof(IReadOnlyList<PostableAlert>))]
internal sealed partial class NotificationJson : JsonSerializerContext;
