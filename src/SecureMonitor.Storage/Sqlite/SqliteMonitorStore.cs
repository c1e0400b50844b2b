using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace SecureMonitor.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file (<c>monitor.db</c>) in WAL mode under the data directory.
/// </summary>
/// <remarks>
/// <para>Durability: <c>synchronous=FULL</c> in WAL mode, so every commit fsyncs the WAL before it returns
/// and an acknowledged alert survives power loss of the machine, not just a crash of the process
/// (<c>NORMAL</c> would only lose the last commits on power loss, but those are exactly the acknowledged
/// ones). The cost, one fsync per commit (~8 k commits/s here), is paid once per batch: callers go through
/// <see cref="GroupCommitWriter"/>, which commits up to 1,000 messages per transaction.</para>
/// <para>Concurrency: one writer connection, writes serialised by a semaphore, each a
/// <c>BEGIN IMMEDIATE</c> transaction (so the fence read and the write happen under the database's write
/// lock, also against other processes); a small pool of <c>query_only</c> read connections, which WAL lets
/// run alongside the writer.</para>
/// <para>Layout (one partial file per concern): this file holds construction, disposal, the writer/reader
/// connections and the shared SQL helpers; <c>SqliteMonitorStore.Schema.cs</c> migrations and the schema
/// version; <c>.Lease.cs</c> the leader lease, epochs and the write fence; <c>.Messages.cs</c> appends,
/// high-water marks, alert and host queries and pruning; <c>.Incidents.cs</c> incidents; <c>.Thresholds.cs</c> threshold settings and applied revisions; <c>.Audit.cs</c>
/// the audit log.</para>
/// </remarks>
public sealed partial class SqliteMonitorStore : IMonitorStore
{
    static SqliteMonitorStore()
    {
        // SQLitePCLRaw 3.x: select the bundled e_sqlite3 native library. Idempotent; Microsoft.Data.Sqlite
        // would also try this by reflection, but being explicit makes a missing native library fail here.
        SQLitePCL.Batteries_V2.Init();
    }

    private readonly SqliteMonitorStoreOptions _options;
    private readonly IReadOnlyList<SchemaMigration> _migrations;
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly SemaphoreSlim _readSlots;
    private readonly ConcurrentBag<SqliteConnection> _idleReaders = [];
    private SqliteConnection? _writer;
    private SqliteAppendStatements? _appendStatements; // prepared on the writer at the first append
    private volatile bool _migrated;
    private volatile bool _disposed;

    public SqliteMonitorStore(SqliteMonitorStoreOptions options)
        : this(options, SqliteMigrations.All)
    {
    }

    internal SqliteMonitorStore(SqliteMonitorStoreOptions options, IReadOnlyList<SchemaMigration> migrations)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.DataDirectory);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ReadConnections, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PruneBatchSize, 1);
        SchemaMigration.CheckNumbering(migrations);

        _options = options;
        _migrations = migrations;
        SqlitePrivateFiles.PrepareDirectory(options.DataDirectory);
        DatabasePath = Path.GetFullPath(Path.Combine(options.DataDirectory, SqliteMonitorStoreOptions.FileName));
        SqlitePrivateFiles.PrepareDatabase(DatabasePath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false, // we keep our own connections; closing must really close the file
            ForeignKeys = true,
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        }.ToString();
        _readSlots = new SemaphoreSlim(options.ReadConnections, options.ReadConnections);
    }

    /// <summary>Full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <summary>The schema version this build migrates to.</summary>
    public int LatestSchemaVersion => _migrations.Count;

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;

        // Let writes and reads in flight finish, then close every connection.
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            _appendStatements?.Dispose();
            _appendStatements = null;
            _writer?.Dispose();
            _writer = null;
        }
        finally
        {
            _writeLock.Release();
        }

        for (var i = 0; i < _options.ReadConnections; i++) await _readSlots.WaitAsync().ConfigureAwait(false);
        while (_idleReaders.TryTake(out var reader)) reader.Dispose();
        _readSlots.Release(_options.ReadConnections);
    }

    /// <summary>A pragma's value as the writer connection sees it (tests check durability settings).</summary>
    internal async Task<string?> ReadWriterPragmaAsync(string name)
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            var writer = _writer ?? throw new InvalidOperationException("The writer connection is closed.");
            return Convert.ToString(Scalar<object>(writer, null, $"PRAGMA {name}"), System.Globalization.CultureInfo.InvariantCulture);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void ThrowIfUnusable(bool requireMigrated)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (requireMigrated && !_migrated) throw new InvalidOperationException("Call MigrateAsync before using the monitor store.");
    }

    /// <summary>Runs <paramref name="work"/> in one IMMEDIATE transaction on the writer, after the fence check; returns once committed (durable).</summary>
    private async Task<T> WriteAsync<T>(WriteFence? fence, Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken ct)
    {
        ThrowIfUnusable(requireMigrated: true);
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var writer = _writer ?? throw new InvalidOperationException("The writer connection is closed.");
            using var tx = writer.BeginTransaction(deferred: false);
            if (fence is { } f) CheckFence(writer, tx, f);
            var result = work(writer, tx);
            tx.Commit();
            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task<T> ReadAsync<T>(Func<SqliteConnection, T> work, CancellationToken ct, bool requireMigrated = true)
    {
        ThrowIfUnusable(requireMigrated);
        await _readSlots.WaitAsync(ct).ConfigureAwait(false);
        SqliteConnection? connection = null;
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_idleReaders.TryTake(out connection)) connection = OpenReader();
            return work(connection);
        }
        finally
        {
            if (connection is not null) _idleReaders.Add(connection);
            _readSlots.Release();
        }
    }

    private SqliteConnection OpenWriter()
    {
        var c = new SqliteConnection(_connectionString);
        try
        {
            c.Open();
            var mode = Scalar<string>(c, null, "PRAGMA journal_mode = WAL");
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"SQLite refused WAL mode for {DatabasePath} (journal_mode is '{mode}').");
            // FULL, not NORMAL: in WAL mode NORMAL may lose the last commits on power loss, and those are
            // acknowledged alerts. Group commit pays for the fsync (see the class remarks).
            Execute(c, null, $"PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {(int)_options.BusyTimeout.TotalMilliseconds}");
            return c;
        }
        catch
        {
            c.Dispose();
            throw;
        }
    }

    private SqliteConnection OpenReader()
    {
        var c = new SqliteConnection(_connectionString);
        try
        {
            c.Open();
            Execute(c, null, $"PRAGMA query_only = ON; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {(int)_options.BusyTimeout.TotalMilliseconds}");
            return c;
        }
        catch
        {
            c.Dispose();
            throw;
        }
    }

    private static SqliteCommand Command(SqliteConnection c, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return cmd;
    }

    private static int Execute(SqliteConnection c, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        using var cmd = Command(c, tx, sql, parameters);
        return cmd.ExecuteNonQuery();
    }

    private static T Scalar<T>(SqliteConnection c, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        using var cmd = Command(c, tx, sql, parameters);
        var value = cmd.ExecuteScalar();
        return value is null or DBNull ? default! : (T)value;
    }
}
