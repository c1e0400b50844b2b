using SecureMonitor.Storage;
using SecureMonitor.Storage.Sqlite;

namespace SecureMonitor.Monitor.Tests.Actors;

/// <summary>A migrated SQLite store in a temporary folder, with a lease taken (the fence to write under);
/// deleted on dispose.</summary>
internal sealed class TemporaryStore : IAsyncDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("sm-actor-store-");

    private TemporaryStore(SqliteMonitorStore store) => Store = store;

    public SqliteMonitorStore Store { get; private set; } = null!;

    public WriteFence Fence { get; private set; }

    public static async Task<TemporaryStore> CreateAsync(TimeProvider? time = null)
    {
        var temporary = new TemporaryStore(null!);
        temporary.Store = new SqliteMonitorStore(new SqliteMonitorStoreOptions { DataDirectory = temporary._folder.FullName, Time = time ?? TimeProvider.System });
        await temporary.Store.MigrateAsync();
        var lease = await temporary.Store.TryAcquireLeaseAsync("node", "127.0.0.1:7800", TimeSpan.FromHours(1), (time ?? TimeProvider.System).GetUtcNow())
            ?? throw new InvalidOperationException("a fresh store refused the lease");
        temporary.Fence = new WriteFence(lease.Epoch);
        return temporary;
    }

    /// <summary>Makes <paramref name="host"/> known to the store (a stored heartbeat).</summary>
    public Task KnowHostAsync(string host, DateTimeOffset at) =>
        Store.AppendAsync([StoredMessage.ForHeartbeat(host, 1, at, at)], Fence);

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        _folder.Delete(recursive: true);
    }
}
