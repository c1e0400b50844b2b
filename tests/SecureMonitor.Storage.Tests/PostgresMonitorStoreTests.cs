using Npgsql;
using SecureMonitor.Storage.Postgres;

namespace SecureMonitor.Storage.Tests;

/// <summary>
/// The store contract on a real PostgreSQL, plus what only PostgreSQL has. Each test gets a fresh schema in
/// one database per class: an empty namespace for the store's tables, at a fraction of the cost of a
/// database per test.
/// </summary>
public sealed class PostgresMonitorStoreTests(PostgresServerFixture postgres) : MonitorStoreContractTests, IClassFixture<PostgresServerFixture>
{
    private const string Database = "postgres";
    private string _schema = null!;

    protected override int LatestSchemaVersion => PostgresMigrations.Latest;

    private PostgresMonitorStoreOptions Options => postgres.Options(Database, schema: _schema);

    protected override async Task<IMonitorStore> CreateStoreAsync()
    {
        _schema = await postgres.CreateSchemaAsync(Database);
        return new PostgresMonitorStore(Options);
    }

    protected override Task<IMonitorStore> OpenSameDatabaseAsync() => Task.FromResult<IMonitorStore>(new PostgresMonitorStore(Options));

    protected override Task ForceSchemaVersionAsync(int version) =>
        ExecuteSqlAsync($"INSERT INTO schema_version (version, description, applied_at) VALUES ({version}, 'from a newer build', now())");

    protected override Task ExecuteSqlAsync(string sql) => postgres.Server.ExecuteAsync(Database, $"SET search_path TO {_schema}; {sql}");

    protected override Task CleanupAsync() => postgres.Server.ExecuteAsync(Database, $"DROP SCHEMA {_schema} CASCADE");

    [Fact]
    public async Task Commits_are_durable_even_when_the_connection_string_turns_synchronous_commit_off()
    {
        var options = Options;
        await using var store = new PostgresMonitorStore(options with
        {
            ConnectionString = new NpgsqlConnectionStringBuilder(options.ConnectionString) { Options = "-c synchronous_commit=off" }.ConnectionString,
        });

        Assert.Equal("on", await store.ShowAsync("synchronous_commit"));
        Assert.Equal("on", await ((PostgresMonitorStore)Store).ShowAsync("synchronous_commit"));
        Assert.Equal("on", await ((PostgresMonitorStore)Store).ShowAsync("fsync"));
    }

    [Fact]
    public async Task A_failed_migration_rolls_back_and_leaves_the_schema_at_the_previous_version()
    {
        var database = await postgres.Server.CreateDatabaseAsync("migration");
        try
        {
            SchemaMigration[] migrations =
            [
                new(1, "good", "CREATE TABLE one (x integer);"),
                new(2, "bad", "CREATE TABLE two (x integer); INSERT INTO no_such_table VALUES (1);"),
            ];
            await using var store = new PostgresMonitorStore(postgres.Options(database), migrations);

            await Assert.ThrowsAsync<PostgresException>(() => store.MigrateAsync());

            Assert.Equal(1, await store.GetSchemaVersionAsync());
            await using var check = new PostgresMonitorStore(postgres.Options(database), migrations[..1]);
            Assert.Equal(new MigrationResult(1, 1), await check.MigrateAsync());
            await using var connection = await postgres.ConnectAsync(database);
            await using var command = new NpgsqlCommand("SELECT to_regclass('two') IS NULL", connection);
            Assert.Equal(true, await command.ExecuteScalarAsync());
        }
        finally
        {
            await postgres.Server.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task The_audit_log_cannot_be_truncated_either()
    {
        await Store.AppendAuditAsync(new AuditRecord(T0, "CN=alice", "admin", "ack", "incident-1", "ok", true), fence: null);

        var error = await Assert.ThrowsAsync<PostgresException>(() => ExecuteSqlAsync("TRUNCATE audit_log"));

        Assert.Contains("append-only", error.MessageText);
        Assert.Single(await Store.ListAuditAsync(null, 10));
    }

    [Fact]
    public async Task A_batch_of_a_thousand_messages_from_a_hundred_hosts_is_stored_once_and_then_recognised_as_duplicates()
    {
        var grant = await Store.TryAcquireLeaseAsync("node-a", "a:7801", TimeSpan.FromSeconds(10), T0);
        var fence = new WriteFence(grant!.Epoch);
        StoredMessage[] batch =
        [
            .. Enumerable.Range(0, 1_000).Select(i => i % 5 == 4
                ? Heartbeat($"host-{i % 100:000}", (ulong)(i / 100 + 1), At(i))
                : Alert($"host-{i % 100:000}", (ulong)(i / 100 + 1), At(i))),
        ];

        var first = await Store.AppendAsync(batch, fence);
        var again = await Store.AppendAsync(batch, fence);

        Assert.All(first, outcome => Assert.Equal(AppendOutcome.Stored, outcome));
        Assert.All(again, outcome => Assert.Equal(AppendOutcome.Duplicate, outcome));
        Assert.Equal(800, (await Store.ListAlertsAsync(new AlertQuery { Limit = AlertQuery.MaxLimit })).Count);
        var marks = await Store.GetHighWaterMarksAsync();
        Assert.Equal(100, marks.Count);
        Assert.All(marks.Values, mark => Assert.Equal(10UL, mark));
    }
}
