using System.Text.Json;
using Microsoft.Extensions.Logging;
using SecureMonitor.Cli.Hosting;
using Xunit;

namespace SecureMonitor.Cli.Tests;

public sealed class LineLoggerFactoryTests
{
    [Fact]
    public void A_console_line_has_time_level_category_event_and_message_on_one_line()
    {
        var output = new StringWriter();
        using (var loggers = new LineLoggerFactory(LogLevel.Information, json: false, output))
        {
            loggers.CreateLogger("SecureMonitor.Watcher.Test").Log(LogLevel.Warning, new EventId(7), "two\nlines", new InvalidOperationException("boom"), (state, _) => state);
        }

        var line = Assert.Single(output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00 warn: SecureMonitor\.Watcher\.Test\[7\] two lines System\.InvalidOperationException: boom$", line);
    }

    [Fact]
    public void Events_below_the_minimum_level_are_not_written()
    {
        var output = new StringWriter();
        using (var loggers = new LineLoggerFactory(LogLevel.Warning, json: false, output))
        {
            var log = loggers.CreateLogger("c");
            Assert.False(log.IsEnabled(LogLevel.Information));
            log.LogInformation("hidden");
        }

        Assert.Equal("", output.ToString());
    }

    [Fact]
    public void A_json_line_carries_the_fields_and_the_structured_state()
    {
        var output = new StringWriter();
        using (var loggers = new LineLoggerFactory(LogLevel.Information, json: true, output))
        {
#pragma warning disable CA2254 // the template is the point of the test
            loggers.CreateLogger("cat").LogInformation(new EventId(3), "Host {Host} sent {Count} \"alerts\"", "web-01", 2);
#pragma warning restore CA2254
        }

        using var document = JsonDocument.Parse(output.ToString());
        var root = document.RootElement;
        Assert.Equal(3, root.GetProperty("EventId").GetInt32());
        Assert.Equal("Information", root.GetProperty("LogLevel").GetString());
        Assert.Equal("cat", root.GetProperty("Category").GetString());
        Assert.Equal("Host web-01 sent 2 \"alerts\"", root.GetProperty("Message").GetString());
        Assert.Equal("web-01", root.GetProperty("State").GetProperty("Host").GetString());
        Assert.Equal(2, root.GetProperty("State").GetProperty("Count").GetInt32());
        Assert.True(DateTimeOffset.TryParse(root.GetProperty("Timestamp").GetString(), out _));
    }
}
