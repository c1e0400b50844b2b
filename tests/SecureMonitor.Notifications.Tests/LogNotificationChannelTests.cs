using Microsoft.Extensions.Logging;
using SecureMonitor.Notifications.Tests.Fakes;
using Xunit;

namespace SecureMonitor.Notifications.Tests;

public sealed class LogNotificationChannelTests
{
    [Fact]
    public async Task The_log_channel_writes_one_structured_line_per_change_with_incident_id_and_change()
    {
        var logs = new CapturedLogs();
        var dispatcher = new NotificationDispatcher([new LogNotificationChannel(logs.CreateLogger<LogNotificationChannel>())]);
        var opened = Incidents.Opened("inc-7");
        var grew = opened.Grew("critical", "network_attack");
        var acknowledged = grew.Acknowledged();
        var resolved = acknowledged.Resolved();

        foreach (var change in new[] { opened, grew, grew, acknowledged, resolved })
        {
            dispatcher.Publish(change);
        }
        await dispatcher.DisposeAsync();

        var lines = logs.Entries.Where(e => e.Category == typeof(LogNotificationChannel).FullName).ToList();
        Assert.Equal(4, lines.Count);
        Assert.All(lines, line => Assert.Equal("inc-7", line["IncidentId"]));
        Assert.All(lines, line => Assert.Equal("IncidentChanged", line.EventId.Name));
        Assert.Equal([IncidentChange.Opened, IncidentChange.Grew, IncidentChange.Acknowledged, IncidentChange.Resolved],
            lines.Select(line => (IncidentChange)line["Change"]!));
        Assert.Equal([1L, 2L, 3L, 4L], lines.Select(line => (long)line["Version"]!));
        Assert.Equal([LogLevel.Warning, LogLevel.Error, LogLevel.Information, LogLevel.Information], lines.Select(line => line.Level));
        Assert.Equal("distributed_alerts,network_attack", lines[1]["Kinds"]);
        Assert.Contains("INCIDENT inc-7 Acknowledged v3", lines[2].Message);
        Assert.Equal("CN=alice,OU=admins", lines[2]["AcknowledgedBy"]);
    }
}
