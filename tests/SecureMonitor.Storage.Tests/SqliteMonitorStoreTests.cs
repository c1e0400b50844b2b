using Microsoft.Data.Sqlite;
using SecureMonitor.Storage.Sqlite;

namespace SecureMonitor.Storage.Tests;

/// <summary>The store contract on SQLite (a temp file per test), plus what only SQLite has.</summary>
public sealed class SqliteMonitorStoreTests : MonitorStoreContractTests
{
    private readonly TempDirectory _dir = new();

    // Small prune batches so the contract's prune tests cross batch boundaries.
    private SqliteMonitorStoreOptions Options => new() { DataDirectory = _dir.Path, PruneBatchSize = 3, ReadConnections = 2 };

    private string DatabasePath => Path.Combine(_dir.Path, SqliteMonitorStoreOptions.FileName);

    protected override int LatestSchemaVersion => SqliteMigrations.Latest;

    protected override Task<IMonitorStore> CreateStoreAsync() => Task.FromResult<IMonitorStore>(new SqliteMonitorStore(Options));

    protected override Task<IMonitorStore> OpenSameDatabaseAsync() => Task.FromResult<IMonitorStore>(new SqliteMonitorStore(Options));

    protected override Task ForceSchemaVersionAsync(int version)
    {
        Execute($"INSERT INTO schema_version (version, description, applied_at) VALUES ({version}, 'from a newer build', 0)");
        return Task.CompletedTask;
    }

    protected override Task ExecuteSqlAsync(string sql)
    {
        Execute(sql);
        return Task.CompletedTask;
    }

    protected override Task CleanupAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }

    private void Execute(string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    [Fact]
    public async Task Alert_text_is_stored_exactly_empty_non_ascii_and_long_alike_through_the_prepared_append()
    {
        var grant = await Store.TryAcquireLeaseAsync("node-a", "a:7801", TimeSpan.FromMinutes(10), T0);
        var fence = new WriteFence(grant!.Epoch);
        string[] summaries = ["", "Überlast auf 東京-01 — 100 %", new string('x', 5_000)];
        var batch = summaries.Select((summary, i) => StoredMessage.ForAlert("web-é", (ulong)i + 1, At(i), At(i),
            new AlertDetails($"rule-{i}", "cpu.ü", AlertSeverity.Critical, AlertState.Firing, 1.5, 1, summary))).ToList();

        await Store.AppendAsync(batch, fence);

        var stored = (await Store.ListAlertsAsync(new AlertQuery())).OrderBy(alert => alert.Sequence).ToList();
        Assert.Equal(summaries, stored.Select(alert => alert.Alert.Summary));
        Assert.Equal(["rule-0", "rule-1", "rule-2"], stored.Select(alert => alert.Alert.RuleId));
        Assert.All(stored, alert => Assert.Equal(("web-é", "cpu.ü"), (alert.HostId, alert.Alert.Metric)));
    }

    [Fact]
    public async Task The_database_is_one_file_named_monitor_db_in_the_data_directory()
    {
        var store = (SqliteMonitorStore)Store;

        Assert.Equal(DatabasePath, store.DatabasePath);
        Assert.True(File.Exists(DatabasePath));
        Assert.Equal(LatestSchemaVersion, await store.GetSchemaVersionAsync());
    }

    [Fact]
    public async Task Commits_are_durable_wal_with_full_synchronous_and_foreign_keys_on()
    {
        var store = (SqliteMonitorStore)Store;

        Assert.Equal("wal", await store.ReadWriterPragmaAsync("journal_mode"));
        Assert.Equal("2", await store.ReadWriterPragmaAsync("synchronous")); // 2 = FULL
        Assert.Equal("1", await store.ReadWriterPragmaAsync("foreign_keys"));
        Assert.Equal("5000", await store.ReadWriterPragmaAsync("busy_timeout"));
    }

    [Fact]
    public async Task A_failed_migration_rolls_back_and_leaves_the_schema_at_the_previous_version()
    {
        using var dir = new TempDirectory();
        SchemaMigration[] migrations =
        [
            new(1, "good", "CREATE TABLE one (x INTEGER) STRICT;"),
            new(2, "bad", "CREATE TABLE two (x INTEGER) STRICT; INSERT INTO no_such_table VALUES (1);"),
        ];
        await using var store = new SqliteMonitorStore(new SqliteMonitorStoreOptions { DataDirectory = dir.Path }, migrations);

        await Assert.ThrowsAsync<SqliteException>(() => store.MigrateAsync());

        Assert.Equal(1, await store.GetSchemaVersionAsync());
        await using var check = new SqliteMonitorStore(new SqliteMonitorStoreOptions { DataDirectory = dir.Path }, migrations[..1]);
        Assert.Equal(new MigrationResult(1, 1), await check.MigrateAsync());
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dir.Path, SqliteMonitorStoreOptions.FileName)};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = 'two'";
        Assert.Equal(0L, command.ExecuteScalar());
    }

    [Fact]
    public async Task Stored_incident_json_that_is_not_an_array_is_refused_rather_than_guessed()
    {
        // SQLite's CHECK only asks for valid JSON; PostgreSQL's refuses this shape when it is written.
        var grant = await Store.TryAcquireLeaseAsync("node-a", "a:7801", TimeSpan.FromSeconds(10), T0);
        await Store.UpsertIncidentAsync(new IncidentRecord("incident-1", IncidentState.Open, ["distributed"], T0, T0, null, null, null, null,
            ["web-1"], ["cpu.percent"], [], 1, 0), new WriteFence(grant!.Epoch));
        Execute("UPDATE incidents SET hosts = '{\"web-1\": true}'");

        var error = await Assert.ThrowsAsync<StoredDataException>(() => Store.GetIncidentAsync("incident-1"));

        Assert.Contains("incident-1", error.Message);
    }
}
