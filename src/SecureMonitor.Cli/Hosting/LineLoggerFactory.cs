using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace SecureMonitor.Cli.Hosting;

/// <summary>
/// The watcher's logging: the same one-line (or JSON) events on stderr as <see cref="Logging"/>,
/// written synchronously by a small logger of ours. Microsoft.Extensions.Logging.Console needs a
/// dependency-injection container, the options and configuration-binding machinery, a formatter
/// registry that always loads System.Text.Json, and a queue thread; on an agent that logs a few
/// lines an hour that was several MB of resident memory (README, "Footprint"). The monitor keeps
/// the console logger: it logs far more, and its queue keeps slow stderr off its hot paths.
/// </summary>
/// <remarks>Lines match the simple console formatter (<c>TIME LEVEL: CATEGORY[EVENT] MESSAGE</c>,
/// newlines in the message or exception become spaces) without colours; JSON objects carry the
/// JSON console formatter's fields (Timestamp, EventId, LogLevel, Category, Message, Exception,
/// State). System.Text.Json is loaded only when the JSON format is chosen.</remarks>
public sealed class LineLoggerFactory(LogLevel minimum, bool json, TextWriter output) : ILoggerFactory
{
    private readonly LogLevel _minimum = minimum;
    private readonly Lock _write = new();

    public ILogger CreateLogger(string categoryName) => new LineLogger(this, categoryName);

    /// <summary>Other providers are not supported: this factory writes lines and nothing else.</summary>
    public void AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException("LineLoggerFactory writes to stderr only.");

    public void Dispose()
    {
        lock (_write)
        {
            output.Flush();
        }
    }

    private void Write(string category, LogLevel level, EventId eventId, string message, Exception? exception, object? state)
    {
        var line = json
            ? JsonLine.Format(category, level, eventId, message, exception, state)
            : TextLine(category, level, eventId, message, exception);
        lock (_write)
        {
            output.Write(line);
            output.Flush();
        }
    }

    private static string TextLine(string category, LogLevel level, EventId eventId, string message, Exception? exception)
    {
        var line = new StringBuilder(64 + category.Length + message.Length);
        line.Append(DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffK ", CultureInfo.InvariantCulture))
            .Append(ShortName(level)).Append(": ").Append(category).Append('[').Append(eventId.Id).Append(']');
        AppendOneLine(line, message);
        if (exception is not null)
        {
            AppendOneLine(line, exception.ToString());
        }
        return line.Append(Environment.NewLine).ToString();
    }

    private static void AppendOneLine(StringBuilder line, string text)
    {
        if (text.Length > 0)
        {
            line.Append(' ').Append(text.ReplaceLineEndings(" "));
        }
    }

    private static string ShortName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => level.ToString(),
    };

    private sealed class LineLogger(LineLoggerFactory factory, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= factory._minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }
            var message = formatter(state, exception);
            if (message.Length == 0 && exception is null)
            {
                return;
            }
            factory.Write(category, logLevel, eventId, message, exception, state);
        }
    }

    /// <summary>Kept in its own class so System.Text.Json loads only when a JSON line is written.</summary>
    private static class JsonLine
    {
        public static string Format(string category, LogLevel level, EventId eventId, string message, Exception? exception, object? state)
        {
            var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("Timestamp", DateTimeOffset.Now.ToString("O", CultureInfo.InvariantCulture));
                writer.WriteNumber("EventId", eventId.Id);
                writer.WriteString("LogLevel", level.ToString());
                writer.WriteString("Category", category);
                writer.WriteString("Message", message);
                if (exception is not null)
                {
                    writer.WriteString("Exception", exception.ToString());
                }
                if (state is not null)
                {
                    writer.WriteStartObject("State");
                    writer.WriteString("Message", state.ToString());
                    if (state is IReadOnlyCollection<KeyValuePair<string, object?>> properties)
                    {
                        foreach (var (key, value) in properties)
                        {
                            WriteValue(writer, key, value);
                        }
                    }
                    writer.WriteEndObject();
                }
                writer.WriteEndObject();
            }
            return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length) + Environment.NewLine;
        }

        private static void WriteValue(Utf8JsonWriter writer, string key, object? value)
        {
            switch (value)
            {
                case null: writer.WriteNull(key); break;
                case bool flag: writer.WriteBoolean(key, flag); break;
                case int number: writer.WriteNumber(key, number); break;
                case long number: writer.WriteNumber(key, number); break;
                case uint number: writer.WriteNumber(key, number); break;
                case ulong number: writer.WriteNumber(key, number); break;
                case double number when double.IsFinite(number): writer.WriteNumber(key, number); break;
                case decimal number: writer.WriteNumber(key, number); break;
                default: writer.WriteString(key, Convert.ToString(value, CultureInfo.InvariantCulture)); break;
            }
        }
    }
}
