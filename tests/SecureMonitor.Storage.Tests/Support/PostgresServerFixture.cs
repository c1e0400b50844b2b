using Npgsql;
using SecureMonitor.Storage.Postgres;
using SecureMonitor.TestKit.Processes;

namespace SecureMonitor.Storage.Tests.Support;

/// <summary>
/// One real PostgreSQL server per test class (see <see cref="PostgresServer"/>); each test makes its own
/// database in it (or, cheaper, its own schema: the store keeps its tables in the connection's current
/// schema) and drops it afterwards. Fails, rather than skips, when PostgreSQL is not installed.
/// </summary>
public sealed class PostgresServerFixture : IAsyncLifetime
{
    public PostgresServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await PostgresServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (Server is not null) await Server.DisposeAsync();
    }

    /// <summary>
    /// Store options for <paramref name="database"/> (and <paramref name="schema"/>, else the default
    /// <c>public</c>): a small pool, named so tests can find its sessions in pg_stat_activity.
    /// </summary>
    public PostgresMonitorStoreOptions Options(string database, string applicationName = PostgresMonitorStore.DefaultApplicationName, string? schema = null) => new()
    {
        ConnectionString = new NpgsqlConnectionStringBuilder(Server.ConnectionString(database))
        {
            Pooling = true,
            ApplicationName = applicationName,
            SearchPath = schema,
        }.ConnectionString,
        MaxPoolSize = 4,
        PruneBatchSize = 3, // small, so the contract's prune tests cross batch boundaries
    };

    /// <summary>A new, empty schema in <paramref name="database"/>; returns its name.</summary>
    public async Task<string> CreateSchemaAsync(string database)
    {
        var name = $"test_{Guid.NewGuid():N}";
        await Server.ExecuteAsync(database, $"CREATE SCHEMA {name}");
        return name;
    }

    /// <summary>A superuser connection to <paramref name="database"/>, open.</summary>
    public async Task<NpgsqlConnection> ConnectAsync(string database)
    {
        var connection = new NpgsqlConnection(Server.ConnectionString(database));
        await connection.OpenAsync();
        return connection;
    }
}
