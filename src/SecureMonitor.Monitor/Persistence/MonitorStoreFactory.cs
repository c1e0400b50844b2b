using SecureMonitor.Storage;
using SecureMonitor.Storage.Postgres;
using SecureMonitor.Storage.Sqlite;

namespace SecureMonitor.Monitor.Persistence;

/// <summary>Opens the store a node's configuration names (<c>monitor.store.kind</c>); the caller migrates and disposes it.</summary>
public static class MonitorStoreFactory
{
    public static IMonitorStore Create(MonitorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Store.Kind switch
        {
            MonitorStoreKind.Sqlite => new SqliteMonitorStore(new SqliteMonitorStoreOptions { DataDirectory = options.DataDirectory }),
            MonitorStoreKind.Postgres => new PostgresMonitorStore(options.Store.Postgres
                ?? throw new ArgumentException("store kind postgres needs PostgreSQL settings (MonitorStoreSettings.Postgres)", nameof(options))),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Store.Kind, "unknown store kind"),
        };
    }
}
