using BenchmarkDotNet.Attributes;
using SecureMonitor.Benchmarks.Actors;
using SecureMonitor.Storage;
using SecureMonitor.Storage.Postgres;
using SecureMonitor.Storage.Sqlite;
using SecureMonitor.TestKit.Processes;

namespace SecureMonitor.Benchmarks.Storage;

/// <summary>
/// One group commit as the monitor makes it: <see cref="IMonitorStore.AppendAsync"/> of 1,000 new alerts
/// from 100 hosts, fenced, durable when it returns. SQLite: WAL, synchronous=FULL, in a temporary
/// directory. PostgreSQL: a real server on loopback from <see cref="PostgresServer"/> (fsync and
/// synchronous_commit on). Rows per second = 1,000 / the mean time per operation.
/// </summary>
[ShortRun]
[MemoryDiagnoser]
public class StoreAppendBenchmarks
{
    private const int BatchSize = 1_000;
    private const int Hosts = 100;

    private PostgresServer? _postgres;
    private string? _directory;
    private IMonitorStore _store = null!;
    private WriteFence _fence;
    private ulong _nextSequence;

    [Params("sqlite", "postgres")]
    public string Store { get; set; } = "sqlite";

    // Synchronous set-up and clean-up: the in-process toolchain does not await async ones.
    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        if (Store == "postgres")
        {
            _postgres = await PostgresServer.StartAsync();
            var database = await _postgres.CreateDatabaseAsync("bench");
            _store = new PostgresMonitorStore(new PostgresMonitorStoreOptions { ConnectionString = _postgres.ConnectionString(database) });
        }
        else
        {
            _directory = Directory.CreateTempSubdirectory("sm-bench-store-").FullName;
            _store = new SqliteMonitorStore(new SqliteMonitorStoreOptions { DataDirectory = _directory });
        }
        await _store.MigrateAsync();
        var grant = await _store.TryAcquireLeaseAsync("bench", "127.0.0.1:7800", TimeSpan.FromDays(1), DateTimeOffset.UtcNow)
            ?? throw new InvalidOperationException("lease refused");
        _fence = new WriteFence(grant.Epoch);
    }

    private async Task CleanupAsync()
    {
        await _store.DisposeAsync();
        if (_postgres is not null) await _postgres.DisposeAsync();
        if (_directory is not null) Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Description = "append 1,000 alerts, one durable commit")]
    public async Task<int> AppendBatchAsync()
    {
        // Every invocation stores new sequences: ten per host, above everything stored before.
        var first = _nextSequence;
        _nextSequence += BatchSize / Hosts;
        var now = DateTimeOffset.UtcNow;
        var batch = new StoredMessage[BatchSize];
        for (var i = 0; i < BatchSize; i++)
        {
            var host = $"host-{i % Hosts:000}";
            var sequence = first + (ulong)(i / Hosts) + 1;
            batch[i] = StoredMessage.ForAlert(host, sequence, now, now,
                new AlertDetails("cpu-high", "cpu.total", AlertSeverity.Warning, AlertState.Firing, 97.5, 90, $"cpu.total 97.5 >= 90 on {host}"));
        }
        var outcomes = await _store.AppendAsync(batch, _fence);
        return outcomes.Count;
    }
}
