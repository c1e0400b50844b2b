using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;
using Microsoft.Extensions.Logging;

namespace SecureMonitor.ActorSystems;

/// <summary>
/// Akka's own log events (dead letters, supervision failures, its start and stop) written to the
/// node's structured log, under the category of the class that logged them. Named in
/// hocon/common/akka.conf as <c>akka.loggers</c>.
/// </summary>
public sealed class MicrosoftLoggingActor : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    public MicrosoftLoggingActor()
    {
        var factory = ActorLogging.Of(Context.System).Factory;
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(logEvent =>
        {
            var logger = factory.CreateLogger(logEvent.LogClass?.FullName ?? logEvent.LogSource ?? "Akka");
            var level = logEvent.LogLevel() switch
            {
                Akka.Event.LogLevel.DebugLevel => Microsoft.Extensions.Logging.LogLevel.Debug,
                Akka.Event.LogLevel.InfoLevel => Microsoft.Extensions.Logging.LogLevel.Information,
                Akka.Event.LogLevel.WarningLevel => Microsoft.Extensions.Logging.LogLevel.Warning,
                _ => Microsoft.Extensions.Logging.LogLevel.Error,
            };
            if (!logger.IsEnabled(level))
            {
                return;
            }
            if (logEvent is Error { Cause: { } cause })
            {
                logger.Log(level, cause, "{Source}: {Message}", logEvent.LogSource, logEvent.Message);
            }
            else
            {
                logger.Log(level, "{Source}: {Message}", logEvent.LogSource, logEvent.Message);
            }
        });
    }
}
