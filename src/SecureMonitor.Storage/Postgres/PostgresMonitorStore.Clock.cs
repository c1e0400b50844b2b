namespace SecureMonitor.Storage.Postgres;

public sealed partial class PostgresMonitorStore : IStoreClock
{
    /// <summary>
    /// The database server's clock: <c>clock_timestamp()</c>, not <c>now()</c>, which is frozen at the start
    /// of a transaction. Every node asks the one server, so lease expiry is judged on one clock.
    /// </summary>
    public async Task<DateTimeOffset> GetStoreTimeAsync(CancellationToken ct = default)
    {
        ThrowIfUnusable(requireMigrated: false);
        await using var command = _dataSource.CreateCommand("SELECT clock_timestamp()");
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await reader.ReadAsync(ct).ConfigureAwait(false);
        return ReadTime(reader, 0);
    }
}
