using Npgsql;

namespace SecureMonitor.Storage.Postgres;

public sealed partial class PostgresMonitorStore
{
    // pg_advisory_xact_lock(int, int): this constant ("SMMG") and a hash of the schema the tables live in,
    // so stores in different schemas of one database do not wait for each other.
    private const int MigrationLockClass = 0x534D_4D47;

    private const string LockMigrationsSql = "SELECT pg_advisory_xact_lock(@class, hashtext(coalesce(current_schema(), '')))";

    public async Task<MigrationResult> MigrateAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await using var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using (var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false))
        {
            // Under the lock: two first-time migrators would otherwise race on CREATE TABLE IF NOT EXISTS.
            await ExecuteAsync(connection, tx, LockMigrationsSql, ct, ("class", MigrationLockClass)).ConfigureAwait(false);
            await ExecuteAsync(connection, tx, """
                CREATE TABLE IF NOT EXISTS schema_version (
                    version     integer     PRIMARY KEY,
                    description text        NOT NULL,
                    applied_at  timestamptz NOT NULL
                )
                """, ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
        }

        int? from = null;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            // Each step takes the lock and re-reads the version inside its own transaction: another node
            // may have migrated meanwhile. DDL is transactional, so a failed step leaves nothing behind.
            await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await ExecuteAsync(connection, tx, LockMigrationsSql, ct, ("class", MigrationLockClass)).ConfigureAwait(false);
            var current = await ReadSchemaVersionAsync(connection, tx, ct).ConfigureAwait(false);
            from ??= current;
            if (current > LatestSchemaVersion) throw new SchemaTooNewException(Location, current, LatestSchemaVersion);
            if (current == LatestSchemaVersion)
            {
                await tx.CommitAsync(ct).ConfigureAwait(false);
                break;
            }

            var next = _migrations[current];
            await ExecuteAsync(connection, tx, next.Sql, ct).ConfigureAwait(false);
            await ExecuteAsync(connection, tx, "INSERT INTO schema_version (version, description, applied_at) VALUES (@v, @d, @at)", ct,
                ("v", next.Version), ("d", next.Description), ("at", Utc(_options.Time.GetUtcNow()))).ConfigureAwait(false);
            await tx.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        _migrated = true;
        return new MigrationResult(from.Value, LatestSchemaVersion);
    }

    public async Task<int> GetSchemaVersionAsync(CancellationToken ct = default)
    {
        ThrowIfUnusable(requireMigrated: false);
        await using var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await ReadSchemaVersionAsync(connection, null, ct).ConfigureAwait(false);
    }

    private static async Task<int> ReadSchemaVersionAsync(NpgsqlConnection c, NpgsqlTransaction? tx, CancellationToken ct)
    {
        // Qualified with the current schema: a schema_version table elsewhere on the search path is not ours.
        var exists = await ScalarAsync<bool>(c, tx,
            "SELECT CASE WHEN current_schema() IS NULL THEN false ELSE to_regclass(format('%I.schema_version', current_schema())) IS NOT NULL END",
            ct).ConfigureAwait(false);
        return exists ? await ScalarAsync<int>(c, tx, "SELECT coalesce(max(version), 0) FROM schema_version", ct).ConfigureAwait(false) : 0;
    }
}
