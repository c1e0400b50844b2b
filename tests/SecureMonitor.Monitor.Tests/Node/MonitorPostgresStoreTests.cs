using Npgsql;
using SecureMonitor.Monitor.Persistence;
using SecureMonitor.Storage;
using SecureMonitor.Storage.Postgres;
using SecureMonitor.TestKit.Processes;

namespace SecureMonitor.Monitor.Tests.Node;

/// <summary>
/// A node configured with <c>store.kind = postgres</c>, against a real PostgreSQL on loopback: it migrates
/// the database, takes the lease there, stores verified alerts before acknowledging them, and a node
/// restarted on the same database (another data directory: nothing local is needed) resumes from it.
/// </summary>
public sealed class MonitorPostgresStoreTests(ITestOutputHelper output) : MonitorTestBase(output)
{
    [Fact]
    public async Task A_node_on_a_postgres_store_leads_there_stores_before_acknowledging_and_a_restart_resumes_from_it()
    {
        await using var postgres = await PostgresServer.StartAsync();
        var database = await postgres.CreateDatabaseAsync("node");
        var store = new MonitorStoreSettings
        {
            Kind = MonitorStoreKind.Postgres,
            Postgres = new PostgresMonitorStoreOptions { ConnectionString = postgres.ConnectionString(database), MaxPoolSize = 4 },
        };
        var pki = NewPki(["web-01"]);

        long firstEpoch;
        // Started here rather than through the base class, so both nodes stop before the server does.
        await using (var first = await MonitorHarness.StartAsync(pki, new MonitorHarnessOptions { Time = pki.Time, Store = store, NodeId = "monitor-a" }))
        {
            Assert.IsType<PostgresMonitorStore>(first.Node.Store);
            await using (var watcher = await first.ConnectWatcherAsync("web-01"))
            {
                Assert.Equal(AckStatus.Accepted, (await watcher.SendAlertAsync()).Status);
            }
            firstEpoch = first.Node.Fence.Epoch;
            // The holder is the node's incarnation: its cluster address and uid.
            var (holder, epoch) = await LeaseInDatabaseAsync(postgres, database);
            Assert.Equal(firstEpoch, epoch);
            Assert.StartsWith(first.Node.ClusterAddress.HostPort() + "#", holder);
            Assert.Equal(1L, await CountAlertsInDatabaseAsync(postgres, database)); // acknowledged, so already committed
        } // stopping releases the lease

        await using var second = await MonitorHarness.StartAsync(pki, new MonitorHarnessOptions { Time = pki.Time, Store = store, NodeId = "monitor-b" });
        await using var again = await second.ConnectWatcherAsync("web-01");

        Assert.Equal(1UL, again.ResumedAfter); // the high-water mark came from PostgreSQL
        Assert.Equal(firstEpoch + 1, second.Node.Fence.Epoch);
        var (secondHolder, secondEpoch) = await LeaseInDatabaseAsync(postgres, database);
        Assert.Equal(second.Node.Fence.Epoch, secondEpoch);
        Assert.StartsWith(second.Node.ClusterAddress.HostPort() + "#", secondHolder);
        Assert.Single(await second.Node.Store.ListAlertsAsync(new AlertQuery()));
    }

    private static async Task<(string?, long)> LeaseInDatabaseAsync(PostgresServer postgres, string database)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT holder, epoch FROM leader_lease", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt64(1));
    }

    private static async Task<long> CountAlertsInDatabaseAsync(PostgresServer postgres, string database)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM alerts", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
