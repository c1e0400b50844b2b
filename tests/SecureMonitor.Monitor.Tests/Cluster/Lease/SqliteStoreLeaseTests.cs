using SecureMonitor.Storage;
using SecureMonitor.Storage.Sqlite;

namespace SecureMonitor.Monitor.Tests.Cluster.Lease;

/// <summary>The lease on SQLite: one database file in a temporary directory, a store instance per node.</summary>
public sealed class SqliteStoreLeaseTests : StoreLeaseContractTests
{
    private readonly string _data = Directory.CreateTempSubdirectory("sm-store-lease-").FullName;

    protected override async Task<IMonitorStore> OpenStoreAsync()
    {
        var store = new SqliteMonitorStore(new SqliteMonitorStoreOptions { DataDirectory = _data, Time = Time });
        await store.MigrateAsync().WaitAsync(Bound);
        return store;
    }

    protected override Task CleanupAsync()
    {
        Directory.Delete(_data, recursive: true);
        return Task.CompletedTask;
    }
}
