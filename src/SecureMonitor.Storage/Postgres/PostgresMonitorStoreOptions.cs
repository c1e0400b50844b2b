using System.Text;
using Npgsql;

namespace SecureMonitor.Storage.Postgres;

/// <summary>
/// Where and how the shared store reaches PostgreSQL. The connection string may hold a password: it is
/// never logged, never put in an exception message, and <see cref="ToString"/> leaves it out.
/// </summary>
public sealed record PostgresMonitorStoreOptions
{
    /// <summary>
    /// An Npgsql connection string (<c>Host=...;Database=...;Username=...;Password=...</c>). The store's
    /// tables live in the connection's current schema (the first existing one on its search path,
    /// normally <c>public</c>). Pool size and command timeout here are overridden by
    /// <see cref="MaxPoolSize"/> and <see cref="CommandTimeout"/>.
    /// </summary>
    public required string ConnectionString { get; init; }

    /// <summary>Most connections the store keeps open (Npgsql pooling via one data source).</summary>
    public int MaxPoolSize { get; init; } = 10;

    /// <summary>How long one statement may run before the driver cancels it (whole seconds, rounded up).</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Rows deleted per prune transaction: bounds how long pruning holds its locks.</summary>
    public int PruneBatchSize { get; init; } = 5_000;

    /// <summary>Clock for bookkeeping times (when a migration was applied).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// Throws <see cref="FormatException"/> when <paramref name="connectionString"/> is not a usable
    /// Npgsql connection string. The message names the problem, never the string (it may hold a password).
    /// </summary>
    public static void ValidateConnectionString(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString)) throw new FormatException("a PostgreSQL connection string is required");
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            // The builder's own messages name a keyword or a position, never a value.
            throw new FormatException($"not a valid PostgreSQL connection string ({FirstSentence(e.Message)})");
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException)
        {
            // A value of the wrong type: its message would quote the value, so it is not passed on.
            throw new FormatException("not a valid PostgreSQL connection string (a value has the wrong type, e.g. a Port that is not a number)");
        }

        if (string.IsNullOrWhiteSpace(builder.Host)) throw new FormatException("the PostgreSQL connection string names no Host");
    }

    /// <summary>Host, port and database, for messages and logs: never the user's password.</summary>
    public string Describe()
    {
        try
        {
            var b = new NpgsqlConnectionStringBuilder(ConnectionString);
            return $"PostgreSQL database '{b.Database ?? b.Username ?? "(default)"}' on {b.Host}:{b.Port}";
        }
        catch (ArgumentException)
        {
            return "PostgreSQL (unparsable connection string)";
        }
    }

    // Records print every property; this one must not print the connection string.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"ConnectionString = <redacted>, MaxPoolSize = {MaxPoolSize}, CommandTimeout = {CommandTimeout}, PruneBatchSize = {PruneBatchSize}");
        return true;
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf('.', StringComparison.Ordinal);
        return end > 0 ? message[..end] : message;
    }
}
