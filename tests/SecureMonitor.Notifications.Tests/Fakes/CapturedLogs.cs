using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SecureMonitor.Notifications.Tests.Fakes;

/// <summary>One log call as the code under test made it: formatted text and structured values.</summary>
internal sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message,
    IReadOnlyList<KeyValuePair<string, object?>> Values, Exception? Exception)
{
    public object? this[string key] => Values.FirstOrDefault(pair => pair.Key == key).Value;

    /// <summary>Everything this entry would put in any log sink.</summary>
    public string AllText => string.Join(" | ", [Message, .. Values.Select(v => $"{v.Key}={v.Value}"), Exception?.ToString() ?? ""]);
}

/// <summary>A logger provider (and a factory over it) that keeps every entry, at every level.</summary>
internal sealed class CapturedLogs : ILoggerProvider, ILoggerFactory
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            var values = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
            owner._entries.Enqueue(new LogEntry(category, logLevel, eventId, formatter(state, exception), [.. values], exception));
        }
    }
}
