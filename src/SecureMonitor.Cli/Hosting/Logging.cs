using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace SecureMonitor.Cli.Hosting;

/// <summary>Structured logging as the <c>logging</c> section of the configuration says: one line
/// per event on stderr, human-readable or JSON.</summary>
public static class Logging
{
    /// <summary>The console logger of Microsoft.Extensions.Logging (monitor and other roles).</summary>
    public static ILoggerFactory Create(IConfiguration configuration)
    {
        var (level, json) = ReadSettings(configuration);
        return LoggerFactory.Create(builder =>
        {
            builder.SetMinimumLevel(level);
            builder.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
            if (json)
            {
                builder.AddJsonConsole(options => options.TimestampFormat = "O");
            }
            else
            {
                builder.AddSimpleConsole(options =>
                {
                    options.SingleLine = true;
                    options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffK ";
                    options.UseUtcTimestamp = true;
                });
            }
        });
    }

    /// <summary>The same lines from a small logger of ours, for the watcher (<see cref="LineLoggerFactory"/>).</summary>
    public static ILoggerFactory CreateLean(IConfiguration configuration)
    {
        var (level, json) = ReadSettings(configuration);
        return new LineLoggerFactory(level, json, Console.Error);
    }

    private static (LogLevel Level, bool Json) ReadSettings(IConfiguration configuration)
    {
        var levelText = configuration["logging:level"] ?? "Information";
        if (!Enum.TryParse<LogLevel>(levelText, ignoreCase: true, out var level))
        {
            throw new CliException($"invalid configuration: logging.level '{levelText}' is not one of Trace, Debug, Information, Warning, Error, Critical", ExitCodes.Config);
        }
        return (level, string.Equals(configuration["logging:format"], "json", StringComparison.OrdinalIgnoreCase));
    }
}
