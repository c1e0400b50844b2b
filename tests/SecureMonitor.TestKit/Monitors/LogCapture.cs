using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SecureMonitor.TestKit.Monitors;

/// <summary>
/// A logger factory that keeps every formatted log line in memory, so a test can check what a node
/// reported (for example why it refused a handshake) and print the log when it fails.
/// </summary>
public sealed class LogCapture : ILoggerFactory
{
    private readonly ConcurrentQueue<LogLine> _lines = new();

    public LogLevel MinimumLevel { get; init; } = LogLevel.Debug;

    /// <summary>Every line so far, in the order written.</summary>
    public IReadOnlyList<LogLine> Lines => [.. _lines];

    /// <summary>Whether any line's message contains <paramref name="text"/> (ordinal, case-insensitive).</summary>
    public bool Contains(string text) => _lines.Any(line => line.Message.Contains(text, StringComparison.OrdinalIgnoreCase));

    /// <summary>The whole log as text, one line per entry, for a test's output.</summary>
    public string Dump() => string.Join(Environment.NewLine, _lines.Select(line => line.ToString()));

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    /// <summary>Providers are not supported: everything is captured here.</summary>
    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("LogCapture keeps lines itself.");

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= capture.MinimumLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                capture._lines.Enqueue(new LogLine(DateTimeOffset.UtcNow, category, logLevel, formatter(state, exception), exception));
            }
        }
    }
}

/// <summary>One captured log entry; <see cref="At"/> is real time.</summary>
public sealed record LogLine(DateTimeOffset At, string Category, LogLevel Level, string Message, Exception? Exception)
{
    public override string ToString() =>
        $"{At:HH:mm:ss.fff} {Level,-11} {Category[(Category.LastIndexOf('.') + 1)..]}: {Message}" +
        (Exception is null ? "" : Environment.NewLine + "    " + Exception.GetType().Name + ": " + Exception.Message);
}
