using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using static SecureMonitor.Storage.StoredValues;

namespace SecureMonitor.Storage.Sqlite;

/// <summary>
/// The group commit's three statements, prepared once on the writer connection and reused for every
/// batch, bound and stepped through the native API. Appends are the monitor's hottest path: through
/// ADO.NET each row cost a command lookup, twelve boxed parameters and a data reader, about as much as
/// SQLite's own work (measured with the monitor-load benchmark); this keeps only SQLite's. Text is
/// bound as UTF-8 (the database's encoding), so SQLite does not convert it from UTF-16 row by row.
/// </summary>
/// <remarks>Not thread-safe: used under the store's write lock, inside its transaction. Disposed (the
/// statements finalized) before the writer connection closes.</remarks>
internal sealed class SqliteAppendStatements : IDisposable
{
    private const uint PreparePersistent = 0x01; // SQLITE_PREPARE_PERSISTENT: kept for the connection's life

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _readMark;
    private readonly sqlite3_stmt _insert;
    private readonly sqlite3_stmt _upsertHost;
    private byte[] _text = new byte[1024]; // UTF-8 of the text being bound; SQLite copies it

    public SqliteAppendStatements(SqliteConnection writer)
    {
        _db = writer.Handle ?? throw new InvalidOperationException("The writer connection is not open.");
        _readMark = Prepare("SELECT high_water_mark FROM hosts WHERE host_id = ?1");
        _insert = Prepare("""
            INSERT INTO alerts (host_id, sequence, kind, received_at, sent_at, rule_id, metric, severity, state, value, threshold, summary)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
            ON CONFLICT (host_id, sequence) DO NOTHING
            """);
        _upsertHost = Prepare("""
            INSERT INTO hosts (host_id, first_seen, last_seen, last_heartbeat, high_water_mark)
            VALUES (?1, ?2, ?3, ?4, ?5)
            ON CONFLICT (host_id) DO UPDATE SET
                last_seen       = max(last_seen, excluded.last_seen),
                last_heartbeat  = max(coalesce(last_heartbeat, excluded.last_heartbeat), coalesce(excluded.last_heartbeat, last_heartbeat)),
                high_water_mark = max(high_water_mark, excluded.high_water_mark)
            """);
    }

    /// <summary>The host's stored high-water mark, 0 for a host never seen.</summary>
    public long ReadMark(string hostId)
    {
        try
        {
            Check(BindText(_readMark, 1, hostId));
            var rc = raw.sqlite3_step(_readMark);
            if (rc == raw.SQLITE_ROW)
            {
                return raw.sqlite3_column_int64(_readMark, 0);
            }
            Check(rc, raw.SQLITE_DONE);
            return 0;
        }
        finally
        {
            raw.sqlite3_reset(_readMark);
        }
    }

    /// <summary>Inserts an alert row; false when (host, sequence) is already stored.</summary>
    public bool InsertAlert(StoredMessage message, AlertDetails alert)
    {
        try
        {
            Check(BindText(_insert, 1, message.HostId));
            Check(raw.sqlite3_bind_int64(_insert, 2, (long)message.Sequence));
            Check(BindText(_insert, 3, ToText(message.Kind)));
            Check(raw.sqlite3_bind_int64(_insert, 4, ToMicros(message.ReceivedAt)));
            Check(raw.sqlite3_bind_int64(_insert, 5, ToMicros(message.SentAt)));
            Check(BindText(_insert, 6, alert.RuleId));
            Check(BindText(_insert, 7, alert.Metric));
            Check(BindText(_insert, 8, ToText(alert.Severity)));
            Check(BindText(_insert, 9, ToText(alert.State)));
            Check(raw.sqlite3_bind_double(_insert, 10, alert.Value));
            Check(raw.sqlite3_bind_double(_insert, 11, alert.Threshold));
            Check(BindText(_insert, 12, alert.Summary));
            Check(raw.sqlite3_step(_insert), raw.SQLITE_DONE);
            return raw.sqlite3_changes(_db) == 1;
        }
        finally
        {
            raw.sqlite3_reset(_insert);
        }
    }

    public void UpsertHost(string hostId, long firstSeen, long lastSeen, long? lastHeartbeat, long mark)
    {
        try
        {
            Check(BindText(_upsertHost, 1, hostId));
            Check(raw.sqlite3_bind_int64(_upsertHost, 2, firstSeen));
            Check(raw.sqlite3_bind_int64(_upsertHost, 3, lastSeen));
            Check(lastHeartbeat is { } heartbeat ? raw.sqlite3_bind_int64(_upsertHost, 4, heartbeat) : raw.sqlite3_bind_null(_upsertHost, 4));
            Check(raw.sqlite3_bind_int64(_upsertHost, 5, mark));
            Check(raw.sqlite3_step(_upsertHost), raw.SQLITE_DONE);
        }
        finally
        {
            raw.sqlite3_reset(_upsertHost);
        }
    }

    public void Dispose()
    {
        _readMark.Dispose();
        _insert.Dispose();
        _upsertHost.Dispose();
    }

    private int BindText(sqlite3_stmt statement, int index, string value)
    {
        if (value.Length == 0)
        {
            return raw.sqlite3_bind_text(statement, index, ""); // an empty span would bind NULL
        }
        var length = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (length > _text.Length)
        {
            _text = new byte[Math.Max(length, 2 * _text.Length)];
        }
        return raw.sqlite3_bind_text(statement, index, _text.AsSpan(0, Encoding.UTF8.GetBytes(value, _text)));
    }

    private sqlite3_stmt Prepare(string sql)
    {
        Check(raw.sqlite3_prepare_v3(_db, sql, PreparePersistent, out var statement));
        return statement;
    }

    private void Check(int rc, int expected = raw.SQLITE_OK)
    {
        if (rc != expected)
        {
            SqliteException.ThrowExceptionForRC(rc == raw.SQLITE_OK ? raw.SQLITE_ERROR : rc, _db);
        }
    }
}
