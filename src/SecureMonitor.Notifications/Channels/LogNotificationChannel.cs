using Microsoft.Extensions.Logging;

namespace SecureMonitor.Notifications;

/// <summary>
/// Writes one structured log line per incident change. Openings and growth are warnings (errors
/// when critical), acknowledgements and resolutions information. Never fails, so it is the channel
/// that still tells the story when the network ones cannot.
/// </summary>
public sealed partial class LogNotificationChannel(ILogger<LogNotificationChannel> log) : INotificationChannel
{
    public string Name => "log";

    public Task SendAsync(IncidentNotification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var level = notification.Change switch
        {
            IncidentChange.Opened or IncidentChange.Grew =>
                notification.Severity == IncidentNotification.SeverityCritical ? LogLevel.Error : LogLevel.Warning,
            _ => LogLevel.Information,
        };
        LogIncident(log, level, notification.IncidentId, notification.Change, notification.Version,
            notification.State, notification.Severity, string.Join(",", notification.Kinds),
            notification.Hosts.Count, notification.Title, notification.AcknowledgedBy ?? "-",
            notification.MonitorNode);
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 4100, EventName = "IncidentChanged",
        Message = "INCIDENT {IncidentId} {Change} v{Version}: state={State} severity={Severity} kinds={Kinds} hosts={HostCount} \"{Title}\" by={AcknowledgedBy} node={MonitorNode}")]
    private static partial void LogIncident(ILogger log, LogLevel level, string incidentId, IncidentChange change,
        long version, IncidentState state, string severity, string kinds, int hostCount, string title,
        string acknowledgedBy, string monitorNode);
}
