using SecureMonitor.Storage.Sqlite;
using SecureMonitor.Storage.Tests.Support;

namespace SecureMonitor.Storage.Tests;

/// <summary>
/// The monitor's database holds every host's alerts and the audit log: its directory is 0700, the database and
/// the -wal and -shm files SQLite keeps beside it are 0600, whatever the umask and whatever an earlier version left.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // Unix file modes
public sealed class SqliteFileModeTests : IDisposable
{
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = OwnerOnlyFile | UnixFileMode.UserExecute;
    private const UnixFileMode OpenToAll = UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly TempDirectory _top = new();

    public void Dispose() => _top.Dispose();

    [Fact]
    public async Task A_new_store_is_created_0700_and_its_database_wal_and_shm_files_0600()
    {
        string data = Path.Combine(_top.Path, "var", "monitor"); // "var" does not exist yet either

        await AssertOwnerOnlyWhileWritingAsync(data);

        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(Path.Combine(_top.Path, "var")));
    }

    [Fact]
    public async Task A_store_an_earlier_version_left_readable_by_everyone_is_tightened()
    {
        string data = Path.Combine(_top.Path, "old");
        Directory.CreateDirectory(data);
        await using (var store = new SqliteMonitorStore(new SqliteMonitorStoreOptions { DataDirectory = data }))
        {
            await store.MigrateAsync();
            await store.TryAcquireLeaseAsync("node-a", "a:7801", TimeSpan.FromMinutes(1), DateTimeOffset.UnixEpoch);
        }
        File.SetUnixFileMode(data, OwnerOnlyDirectory | OpenToAll | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        foreach (var file in Directory.GetFiles(data))
        {
            File.SetUnixFileMode(file, OwnerOnlyFile | OpenToAll);
        }

        await AssertOwnerOnlyWhileWritingAsync(data);
    }

    private static async Task AssertOwnerOnlyWhileWritingAsync(string data)
    {
        await using var store = new SqliteMonitorStore(new SqliteMonitorStoreOptions { DataDirectory = data });
        await store.MigrateAsync();
        await store.TryAcquireLeaseAsync("node-b", "b:7801", TimeSpan.FromMinutes(1), DateTimeOffset.UnixEpoch.AddHours(1));

        // While the store is open in WAL mode, SQLite keeps the -wal and -shm files beside the database.
        var files = Directory.GetFiles(data).Select(Path.GetFileName).ToList();
        Assert.Contains(SqliteMonitorStoreOptions.FileName, files);
        Assert.Contains(SqliteMonitorStoreOptions.FileName + "-wal", files);
        Assert.Contains(SqliteMonitorStoreOptions.FileName + "-shm", files);
        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(data));
        Assert.All(Directory.GetFiles(data), f => Assert.True(File.GetUnixFileMode(f) == OwnerOnlyFile, $"{f} is {File.GetUnixFileMode(f)}"));
    }
}
