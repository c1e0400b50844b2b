using System.Text;
using Microsoft.Extensions.Configuration;
using SecureMonitor.Configuration;
using SecureMonitor.Storage.Postgres;
using SecureMonitor.Storage.Sqlite;

namespace SecureMonitor.Monitor.Persistence;

/// <summary>Which store a node keeps its state in (<c>monitor.store.kind</c>).</summary>
public enum MonitorStoreKind
{
    /// <summary>Embedded: <c>monitor.db</c> in the data directory; one machine.</summary>
    Sqlite = 1,

    /// <summary>A PostgreSQL database shared by every node of the cluster; several machines.</summary>
    Postgres = 2,
}

/// <summary>
/// The <c>monitor.store</c> section of monitor.conf. The PostgreSQL connection string is a secret:
/// it is never printed (<see cref="ToString"/> and <see cref="Describe"/> leave it out) nor quoted in a
/// configuration error.
/// </summary>
public sealed record MonitorStoreSettings
{
    private const string KindKey = "monitor:store:kind";
    private const string ConnectionStringKey = "monitor:store:postgres:connection-string";
    private const string ConnectionStringVariable = "SM_STORE_POSTGRES_CONNECTION";

    public MonitorStoreKind Kind { get; init; } = MonitorStoreKind.Sqlite;

    /// <summary>How to reach PostgreSQL; set when <see cref="Kind"/> is <see cref="MonitorStoreKind.Postgres"/>.</summary>
    public PostgresMonitorStoreOptions? Postgres { get; init; }

    /// <summary>Reads the section; a bad value throws <see cref="ConfigurationValueException"/> naming file, line and key.</summary>
    public static MonitorStoreSettings FromConfiguration(IConfiguration configuration)
    {
        var kindText = configuration[KindKey] ?? "sqlite";
        var kind = kindText switch
        {
            "sqlite" => MonitorStoreKind.Sqlite,
            "postgres" => MonitorStoreKind.Postgres,
            _ => throw new ConfigurationValueException(KindKey, kindText, configuration.GetOrigin(KindKey),
                $"invalid store kind '{kindText}': expected sqlite or postgres"),
        };
        if (kind == MonitorStoreKind.Sqlite)
        {
            return new MonitorStoreSettings { Kind = kind };
        }

        var connectionString = configuration[ConnectionStringKey] ?? "";
        try
        {
            PostgresMonitorStoreOptions.ValidateConnectionString(connectionString);
        }
        catch (FormatException error)
        {
            // The value is a secret: the error names the key and the problem only.
            throw new ConfigurationValueException(ConnectionStringKey, SecretSettings.Redacted, configuration.GetOrigin(ConnectionStringKey),
                $"{error.Message}, since store.kind is postgres (set it in the file or in {ConnectionStringVariable})");
        }

        var commandTimeout = configuration.GetDuration("monitor:store:postgres:command-timeout", TimeSpan.FromSeconds(30));
        if (commandTimeout < TimeSpan.FromSeconds(1) || commandTimeout > TimeSpan.FromDays(1))
        {
            const string key = "monitor:store:postgres:command-timeout";
            throw new ConfigurationValueException(key, configuration[key] ?? "", configuration.GetOrigin(key),
                "the command timeout must be between 1s and 1d");
        }

        return new MonitorStoreSettings
        {
            Kind = kind,
            Postgres = new PostgresMonitorStoreOptions
            {
                ConnectionString = connectionString,
                MaxPoolSize = configuration.GetPositiveInt32("monitor:store:postgres:max-pool-size", 10),
                CommandTimeout = commandTimeout,
            },
        };
    }

    /// <summary>Where the store is, for start-up lines and logs: the SQLite file, or PostgreSQL's host, port and database.</summary>
    public string Describe(string dataDirectory) => Kind switch
    {
        MonitorStoreKind.Postgres when Postgres is not null => Postgres.Describe(),
        _ => $"SQLite {Path.Combine(dataDirectory, SqliteMonitorStoreOptions.FileName)}",
    };

    // Records print every property; Postgres prints itself with the connection string redacted.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Kind = {Kind}, Postgres = {Postgres}");
        return true;
    }
}
