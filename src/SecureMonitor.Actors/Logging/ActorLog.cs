using Microsoft.Extensions.Logging;

namespace SecureMonitor.Actors.Internal;

/// <summary>The kernel's log events, source-generated so they cost nothing when the level is off.</summary>
internal static partial class ActorLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Actor {Path} failed handling {MessageType}; the message is dropped")]
    public static partial void ActorFailed(this ILogger logger, string path, string messageType, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Actor {Path} failed to start")]
    public static partial void StartFailed(this ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Restarting {Path} after {Delay} (restart {Count} in the current window)")]
    public static partial void Restarting(this ILogger logger, string path, TimeSpan delay, int count);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "{Path} exceeded {MaxRetries} restarts within {Within}; applying {Directive}")]
    public static partial void RestartsExhausted(this ILogger logger, string path, int maxRetries, TimeSpan within, Directive directive);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Stopping {Path} by supervisor decision after {ExceptionType}")]
    public static partial void StoppingFailedChild(this ILogger logger, string path, string exceptionType);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "{Path} escalates the failure of {ChildPath}")]
    public static partial void Escalating(this ILogger logger, string path, string childPath);

    [LoggerMessage(EventId = 7, Level = LogLevel.Error, Message = "Lifecycle hook {Hook} of {Path} threw; continuing")]
    public static partial void HookFailed(this ILogger logger, string hook, string path, Exception exception);

    [LoggerMessage(EventId = 8, Level = LogLevel.Debug, Message = "Actor {Path} stopped")]
    public static partial void Stopped(this ILogger logger, string path);

    [LoggerMessage(EventId = 9, Level = LogLevel.Debug, Message = "Dead letter to {Recipient}: {MessageType} from {Sender} ({Reason})")]
    public static partial void DeadLetter(this ILogger logger, string recipient, string messageType, string? sender, DeadLetterReason reason);
}
