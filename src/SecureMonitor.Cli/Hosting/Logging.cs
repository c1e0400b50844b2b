using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace SecureMonitor.Cli.Hosting;

/// <summary>Structured logging as the <c>logging</c> section of the configuration says: one line
/// per event on stderr, human-readable or JSON.</summary>
public static class Logging
{
    public static ILoggerFactory Create(IConfiguration configuration)
    {
        var levelText = configuration["logging:level"] ?? "Information";
        if (!Enum.TryParse<LogLevel>(levelText, ignoreCase: true, out var level))
        {
            throw new CliException($"invalid configuration: logging.level '{levelText}' is not one of Trace, Debug, Information, Warning, Error, Critical", ExitCodes.Config);
        }
        var json = string.Equals(configuration["logging:format"], "json", StringComparison.OrdinalIgnoreCase);
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
}
