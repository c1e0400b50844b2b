using Microsoft.Data.Sqlite;
using static SecureMonitor.Storage.StoredValues;

namespace SecureMonitor.Storage.Sqlite;

public sealed partial class SqliteMonitorStore
{
    public async Task<MigrationResult> MigrateAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var writer = _writer ??= OpenWriter();
            using (var tx = writer.BeginTransaction(deferred: false))
            {
                Execute(writer, tx, """
                    CREATE TABLE IF NOT EXISTS schema_version (
                        version     INTEGER PRIMARY KEY,
                        description TEXT    NOT NULL,
                        applied_at  INTEGER NOT NULL
                    ) STRICT
                    """);
                tx.Commit();
            }

            int? from = null;
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                // Re-read inside each transaction: another process may be migrating the same file.
                using var tx = writer.BeginTransaction(deferred: false);
                var current = ReadSchemaVersion(writer, tx);
                from ??= current;
                if (current > LatestSchemaVersion) throw new SchemaTooNewException(DatabasePath, current, LatestSchemaVersion);
                if (current == LatestSchemaVersion)
                {
                    tx.Commit();
                    break;
                }

                var next = _migrations[current];
                Execute(writer, tx, next.Sql);
                Execute(writer, tx, "INSERT INTO schema_version (version, description, applied_at) VALUES ($v, $d, $at)",
                    ("$v", next.Version), ("$d", next.Description), ("$at", ToMicros(_options.Time.GetUtcNow())));
                tx.Commit();
            }

            _migrated = true;
            return new MigrationResult(from.Value, LatestSchemaVersion);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public Task<int> GetSchemaVersionAsync(CancellationToken ct = default) =>
        ReadAsync(c => ReadSchemaVersion(c, null), ct, requireMigrated: false);

    private static int ReadSchemaVersion(SqliteConnection c, SqliteTransaction? tx)
    {
        var exists = Scalar<long>(c, tx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'");
        return exists == 0 ? 0 : (int)Scalar<long>(c, tx, "SELECT coalesce(max(version), 0) FROM schema_version");
    }
}
