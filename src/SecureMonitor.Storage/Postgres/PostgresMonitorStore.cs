using System.Data;
using Npgsql;
using NpgsqlTypes;
using static SecureMonitor.Storage.StoredValues;

namespace SecureMonitor.Storage.Postgres;

/// <summary>
/// The shared store: one PostgreSQL database that every monitor node of a cluster uses, reached through
/// one pooled <see cref="NpgsqlDataSource"/> per store.
/// </summary>
/// <remarks>
/// <para>Durability: a write's task completes after PostgreSQL's COMMIT returned, which with
/// <c>synchronous_commit</c> on (not <c>off</c>) means the commit record is flushed to the WAL. Every
/// physical connection checks the setting when it opens and turns <c>off</c> back on, so neither a server
/// default nor the connection string can make the store acknowledge what a crash could lose. Group commit
/// (<see cref="GroupCommitWriter"/>) pays the flush once per batch.</para>
/// <para>Concurrency: several nodes on several machines share the database, so every rule is enforced by
/// the database's locks, never by this process alone. The lease row is the pivot:
/// acquiring reads it <c>FOR UPDATE</c> and decides in the same transaction; renewing and releasing are
/// single conditional UPDATEs; every fenced write first reads it <c>FOR KEY SHARE</c> in its own
/// transaction. KEY SHARE conflicts with FOR UPDATE but not with a plain UPDATE, so renewals run alongside
/// writes while a grant waits for the writes in flight to commit, and a write that starts during a grant
/// waits for it and then sees the new epoch. Migrations serialise on a transaction-scoped advisory lock.
/// Appends lock their hosts' rows in host order, so concurrent appends cannot deadlock.</para>
/// <para>Secrets: the connection string may hold a password; this class never logs it or puts it in a
/// message (<see cref="Location"/> names host, port and database only).</para>
/// <para>Layout (one partial file per concern, as for SQLite): this file holds construction, disposal,
/// transactions and the shared SQL helpers; <c>.Schema.cs</c> migrations; <c>.Lease.cs</c> the lease,
/// epochs and the fence; <c>.Messages.cs</c> appends, marks, queries and pruning; <c>.Incidents.cs</c>;
/// <c>.Audit.cs</c> the audit log.</para>
/// </remarks>
public sealed partial class PostgresMonitorStore : IMonitorStore
{
    /// <summary>Shown in <c>pg_stat_activity</c> unless the connection string names an application.</summary>
    public const string DefaultApplicationName = "securemonitor";

    // Run once per physical connection: only "off" loses acknowledged commits on a server crash. The
    // idle-in-transaction limit frees the lease row when a node is cut off mid-transaction: the server
    // ends a session that leaves its transaction waiting, instead of holding its locks until TCP notices
    // (hours), which would keep every other node from taking over. Our transactions never pause.
    private const string DurableCommitSql =
        "SELECT set_config('synchronous_commit', 'on', false) WHERE current_setting('synchronous_commit') = 'off';" +
        "SELECT set_config('idle_in_transaction_session_timeout', '1s', false)";

    private readonly PostgresMonitorStoreOptions _options;
    private readonly IReadOnlyList<SchemaMigration> _migrations;
    private readonly NpgsqlDataSource _dataSource;
    private volatile bool _migrated;
    private volatile bool _disposed;

    public PostgresMonitorStore(PostgresMonitorStoreOptions options)
        : this(options, PostgresMigrations.All)
    {
    }

    internal PostgresMonitorStore(PostgresMonitorStoreOptions options, IReadOnlyList<SchemaMigration> migrations)
    {
        ArgumentNullException.ThrowIfNull(options);
        PostgresMonitorStoreOptions.ValidateConnectionString(options.ConnectionString);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxPoolSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.CommandTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PruneBatchSize, 1);
        SchemaMigration.CheckNumbering(migrations);

        _options = options;
        _migrations = migrations;
        Location = options.Describe();
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        var settings = builder.ConnectionStringBuilder;
        settings.MaxPoolSize = options.MaxPoolSize;
        settings.MinPoolSize = Math.Min(settings.MinPoolSize, options.MaxPoolSize);
        settings.CommandTimeout = (int)Math.Ceiling(options.CommandTimeout.TotalSeconds);
        settings.ApplicationName ??= DefaultApplicationName;
        builder.UsePhysicalConnectionInitializer(
            connection =>
            {
                using var command = new NpgsqlCommand(DurableCommitSql, connection);
                command.ExecuteNonQuery();
            },
            async connection =>
            {
                await using var command = new NpgsqlCommand(DurableCommitSql, connection);
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            });
        _dataSource = builder.Build();
    }

    /// <summary>Host, port and database (never credentials), for messages and logs.</summary>
    public string Location { get; }

    /// <summary>The schema version this build migrates to.</summary>
    public int LatestSchemaVersion => _migrations.Count;

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        // Idle connections close now; one still in use closes when its operation returns it.
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>A setting as a connection of the store's pool sees it (tests check durability).</summary>
    internal async Task<string?> ShowAsync(string setting)
    {
        await using var command = _dataSource.CreateCommand("SELECT current_setting(@name)");
        command.Parameters.AddWithValue("name", setting);
        return (string?)await command.ExecuteScalarAsync().ConfigureAwait(false);
    }

    private void ThrowIfUnusable(bool requireMigrated)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (requireMigrated && !_migrated) throw new InvalidOperationException("Call MigrateAsync before using the monitor store.");
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one READ COMMITTED transaction, after the fence check (which locks
    /// the lease row against grants until the commit); returns once committed. The commit is not
    /// cancellable: a cancelled caller would not know whether its write is durable.
    /// </summary>
    private async Task<T> WriteAsync<T>(WriteFence? fence, Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<T>> work, CancellationToken ct)
    {
        ThrowIfUnusable(requireMigrated: true);
        await using var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct).ConfigureAwait(false);
        if (fence is { } f) await CheckFenceAsync(connection, tx, f, ct).ConfigureAwait(false);
        var result = await work(connection, tx, ct).ConfigureAwait(false);
        await tx.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        return result;
    }

    /// <summary>One statement on its own (autocommit: atomic and, once it returns, durable).</summary>
    private async Task<int> ExecuteAsync(string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        ThrowIfUnusable(requireMigrated: true);
        await using var command = _dataSource.CreateCommand(sql);
        AddParameters(command, parameters);
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>A query on a pooled connection; <paramref name="read"/> turns each row into a value.</summary>
    private async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        ThrowIfUnusable(requireMigrated: true);
        await using var command = _dataSource.CreateCommand(sql);
        AddParameters(command, parameters);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var list = new List<T>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false)) list.Add(read(reader));
        return list;
    }

    private static NpgsqlCommand Command(NpgsqlConnection c, NpgsqlTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, c, tx);
        AddParameters(command, parameters);
        return command;
    }

    private static void AddParameters(NpgsqlCommand command, (string Name, object? Value)[] parameters)
    {
        // Null parameters carry no type: the SQL casts them (@since::timestamptz IS NULL ...). An array of
        // optional times cannot be typed from its values (Npgsql would pick timestamp without time zone).
        foreach (var (name, value) in parameters)
        {
            if (value is DateTime?[] times) command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = times });
            else command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection c, NpgsqlTransaction? tx, string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(c, tx, sql, parameters);
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static async Task<T?> ScalarAsync<T>(NpgsqlConnection c, NpgsqlTransaction? tx, string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(c, tx, sql, parameters);
        var value = await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
        return value is null or DBNull ? default : (T)value;
    }

    /// <summary>A time as PostgreSQL stores it: UTC, truncated to whole microseconds (as SQLite keeps it).</summary>
    private static DateTime Utc(DateTimeOffset t) => FromMicros(ToMicros(t)).UtcDateTime;

    private static DateTime? Utc(DateTimeOffset? t) => t is { } value ? Utc(value) : null;

    private static DateTimeOffset ReadTime(NpgsqlDataReader r, int ordinal) => r.GetFieldValue<DateTimeOffset>(ordinal);

    private static DateTimeOffset? ReadOptionalTime(NpgsqlDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : ReadTime(r, ordinal);

    private static string? ReadOptionalString(NpgsqlDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetString(ordinal);
}
