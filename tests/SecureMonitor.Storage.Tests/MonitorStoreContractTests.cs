namespace SecureMonitor.Storage.Tests;

/// <summary>
/// The contract of <see cref="IMonitorStore"/>, run against every implementation (one subclass each), as
/// Orleans runs MembershipTableTestsBase against every membership table. A behaviour belongs here if the
/// interface docs promise it; implementation details (pragmas, files) go in the subclass.
/// </summary>
public abstract class MonitorStoreContractTests : IAsyncLifetime
{
    protected static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan LeaseFor = TimeSpan.FromSeconds(10);

    private readonly List<IMonitorStore> _opened = [];

    /// <summary>The store under test, migrated, on an empty database.</summary>
    protected IMonitorStore Store { get; private set; } = null!;

    private MigrationResult InitialMigration { get; set; } = null!;

    /// <summary>A new store on a new, empty database; not migrated.</summary>
    protected abstract Task<IMonitorStore> CreateStoreAsync();

    /// <summary>Another store instance on the same database as <see cref="Store"/>; not migrated.</summary>
    protected abstract Task<IMonitorStore> OpenSameDatabaseAsync();

    /// <summary>Records <paramref name="version"/> as applied in the database, as a newer build would.</summary>
    protected abstract Task ForceSchemaVersionAsync(int version);

    /// <summary>Runs SQL on the database directly, past the store, as an intruder or a careless operator would.</summary>
    protected abstract Task ExecuteSqlAsync(string sql);

    /// <summary>The schema version this build's implementation migrates to.</summary>
    protected abstract int LatestSchemaVersion { get; }

    protected virtual Task CleanupAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        Store = await CreateStoreAsync();
        InitialMigration = await Store.MigrateAsync().WaitAsync(Bound);
    }

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        foreach (var store in _opened) await store.DisposeAsync();
        await CleanupAsync();
    }

    private async Task<IMonitorStore> OpenAnotherAsync(bool migrate = true)
    {
        var store = await OpenSameDatabaseAsync();
        _opened.Add(store);
        if (migrate) await store.MigrateAsync().WaitAsync(Bound);
        return store;
    }

    private async Task<WriteFence> LeadAsync(string node = "node-a", DateTimeOffset? now = null)
    {
        var grant = await Store.TryAcquireLeaseAsync(node, $"{node}:7801", LeaseFor, now ?? T0);
        Assert.NotNull(grant);
        return new WriteFence(grant.Epoch);
    }

    private static IncidentRecord NewIncident(string id, DateTimeOffset openedAt, IncidentState state = IncidentState.Open) =>
        new(id, state, ["distributed"], openedAt, openedAt.AddSeconds(5), state == IncidentState.Resolved ? openedAt.AddMinutes(1) : null,
            null, null, null, ["web-1", "web-2", "db-1"], ["net.syn_recv"],
            [new IncidentEvidence(openedAt, "web-1", "alert", "net.syn_recv 900 >= 500"), new IncidentEvidence(openedAt.AddSeconds(1), "web-2", "alert", "net.syn_recv 800 >= 500")],
            3, 0);

    private static void AssertSameIncident(IncidentRecord expected, IncidentRecord actual, long version)
    {
        Assert.Equal(expected with { Kinds = [], Hosts = [], Metrics = [], Evidence = [], Version = version },
            actual with { Kinds = [], Hosts = [], Metrics = [], Evidence = [] });
        Assert.Equal(expected.Kinds, actual.Kinds);
        Assert.Equal(expected.Hosts, actual.Hosts);
        Assert.Equal(expected.Metrics, actual.Metrics);
        Assert.Equal(expected.Evidence, actual.Evidence);
    }

    private static AuditRecord Audit(double at, string command = "ack", bool success = true) =>
        new(At(at), "CN=alice", "admin", command, "incident-1 --note \"looking\"", success ? "ok" : "refused: not leader", success);

    // ------------------------------------------------------------------ schema

    [Fact]
    public async Task Migrating_a_new_database_applies_every_migration_up_to_the_latest_version()
    {
        Assert.Equal(new MigrationResult(0, LatestSchemaVersion), InitialMigration);
        Assert.Equal(LatestSchemaVersion, await Store.GetSchemaVersionAsync());
    }

    [Fact]
    public async Task Migrating_again_changes_nothing_and_keeps_the_data()
    {
        var fence = await LeadAsync();
        await Store.AppendAsync([Alert("web-1", 1)], fence);

        var again = await Store.MigrateAsync().WaitAsync(Bound);
        var reopened = await OpenAnotherAsync();

        Assert.False(again.Applied);
        Assert.Equal(new MigrationResult(LatestSchemaVersion, LatestSchemaVersion), again);
        Assert.Equal(LatestSchemaVersion, await reopened.GetSchemaVersionAsync());
        Assert.Single(await reopened.ListAlertsAsync(new AlertQuery()));
    }

    [Fact]
    public async Task Opening_a_database_with_a_newer_schema_fails_with_a_clear_message_and_changes_nothing()
    {
        await ForceSchemaVersionAsync(LatestSchemaVersion + 1);
        var newer = await OpenAnotherAsync(migrate: false);

        var error = await Assert.ThrowsAsync<SchemaTooNewException>(() => newer.MigrateAsync().WaitAsync(Bound));

        Assert.Equal(LatestSchemaVersion + 1, error.DatabaseVersion);
        Assert.Equal(LatestSchemaVersion, error.KnownVersion);
        Assert.Contains("newer", error.Message);
        Assert.Contains("upgrade", error.Message);
        Assert.Equal(LatestSchemaVersion + 1, await newer.GetSchemaVersionAsync());
    }

    [Fact]
    public async Task Using_the_store_before_migrating_is_refused()
    {
        var unmigrated = await OpenAnotherAsync(migrate: false);

        await Assert.ThrowsAsync<InvalidOperationException>(() => unmigrated.ListHostsAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(() => unmigrated.AppendAsync([Alert("web-1", 1)], new WriteFence(1)));
    }

    [Fact]
    public async Task Using_a_disposed_store_is_refused()
    {
        var other = await OpenAnotherAsync();
        await other.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => other.ListHostsAsync());
    }

    // ------------------------------------------------------------------ lease

    [Fact]
    public async Task The_lease_is_free_before_anyone_takes_it()
    {
        var lease = await Store.ReadLeaseAsync();

        Assert.Null(lease.Holder);
        Assert.Equal(0, lease.Epoch);
        Assert.False(lease.IsHeldAt(T0));
    }

    [Fact]
    public async Task The_first_node_to_acquire_a_free_lease_gets_epoch_one_until_now_plus_the_duration()
    {
        var grant = await Store.TryAcquireLeaseAsync("node-a", "10.0.0.1:7801", LeaseFor, T0);

        Assert.Equal(new LeaseGrant(1, T0 + LeaseFor), grant);
        Assert.Equal(new LeaseState("node-a", "10.0.0.1:7801", 1, T0 + LeaseFor), await Store.ReadLeaseAsync());
    }

    [Fact]
    public async Task Another_node_cannot_acquire_a_live_lease()
    {
        await Store.TryAcquireLeaseAsync("node-a", "a:7801", LeaseFor, T0);

        var refused = await Store.TryAcquireLeaseAsync("node-b", "b:7801", LeaseFor, T0 + LeaseFor - TimeSpan.FromMilliseconds(1));

        Assert.Null(refused);
        Assert.Equal(new LeaseState("node-a", "a:7801", 1, T0 + LeaseFor), await Store.ReadLeaseAsync());
    }

    [Fact]
    public async Task The_holder_acquiring_again_extends_its_lease_and_keeps_its_epoch()
    {
        await Store.TryAcquireLeaseAsync("node-a", "a:7801", LeaseFor, T0);

        var again = await Store.TryAcquireLeaseAsync("node-a", "a:7802", LeaseFor, At(5));

        Assert.Equal(new LeaseGrant(1, At(5) + LeaseFor), again);
        Assert.Equal(new LeaseState("node-a", "a:7802", 1, At(5) + LeaseFor), await Store.ReadLeaseAsync());
        Assert.Single(await Store.ListLeaderEpochsAsync());
    }

    [Fact]
    public async Task An_expired_lease_is_taken_over_under_the_next_epoch()
    {
        await Store.TryAcquireLeaseAsync("node-a", "a:7801", LeaseFor, T0);

        var stolen = await Store.TryAcquireLeaseAsync("node-b", "b:7801", LeaseFor, T0 + LeaseFor);

        Assert.Equal(new LeaseGrant(2, T0 + LeaseFor + LeaseFor), stolen);
        Assert.Equal("node-b", (await Store.ReadLeaseAsync()).Holder);
        Assert.False(await Store.RenewLeaseAsync("node-a", 1, LeaseFor, T0 + LeaseFor));
    }

    [Fact]
    public async Task The_previous_holder_reacquiring_after_expiry_gets_a_new_epoch()
    {
        await Store.TryAcquireLeaseAsync("node-a", "a:7801", LeaseFor, T0);

        var again = await Store.TryAcquireLeaseAsync("node-a", "a:7801", LeaseFor, At(11));

        Assert.Equal(2, again?.Epoch);
    }

    [Fact]
    public async Task Renewing_extends_the_lease_only_for_the_holder_at_its_epoch_before_expiry()
    {
        await Store.TryAcquireLeaseAsync("node-a", "a:7801", LeaseFor, T0);

        Assert.True(await Store.RenewLeaseAsync("node-a", 1, LeaseFor, At(9)));
        Assert.Equal(At(9) + LeaseFor, (await Store.ReadLeaseAsync()).ExpiresAt);

        Assert.False(await Store.RenewLeaseAsync("node-b", 1, LeaseFor, At(10)));
        Assert.False(await Store.RenewLeaseAsync("node-a", 2, LeaseFor, At(10)));
        Assert.False(await Store.RenewLeaseAsync("node-a", 1, LeaseFor, At(19)));
        Assert.Equal(At(9) + LeaseFor, (await Store.ReadLeaseAsync()).ExpiresAt);
    }

    [Fact]
    public async Task A_released_lease_can_be_acquired_at_once_under_a_new_epoch()
    {
        await Store.TryAcquireLeaseAsync("node-a", "a:7801", LeaseFor, T0);

        Assert.False(await Store.ReleaseLeaseAsync("node-b", 1));
        Assert.False(await Store.ReleaseLeaseAsync("node-a", 7));
        Assert.True(await Store.ReleaseLeaseAsync("node-a", 1));
        var released = await Store.ReadLeaseAsync();
        var grant = await Store.TryAcquireLeaseAsync("node-b", "b:7801", LeaseFor, At(1));

        Assert.Null(released.Holder);
        Assert.Equal(1, released.Epoch);
        Assert.Equal(new LeaseGrant(2, At(1) + LeaseFor), grant);
    }

    [Fact]
    public async Task The_epochs_log_records_every_grant_in_order_with_the_span_its_lease_ran()
    {
        await Store.TryAcquireLeaseAsync("node-a", "a:7801", LeaseFor, T0);
        await Store.TryAcquireLeaseAsync("node-a", "a:7801", LeaseFor, At(5)); // renewal by acquire: no new epoch
        await Store.TryAcquireLeaseAsync("node-b", "b:7801", LeaseFor, At(30));
        await Store.RenewLeaseAsync("node-b", 2, LeaseFor, At(32));
        await Store.ReleaseLeaseAsync("node-b", 2);
        await Store.TryAcquireLeaseAsync("node-c", "c:7801", LeaseFor, At(33)); // released: its span ends here

        Assert.Equal(
            [
                new LeaderEpoch(1, "node-a", "a:7801", T0, At(15)),
                new LeaderEpoch(2, "node-b", "b:7801", At(30), At(33)),
                new LeaderEpoch(3, "node-c", "c:7801", At(33), At(43)),
            ],
            await Store.ListLeaderEpochsAsync());
    }

    // ------------------------------------------------------------------ fencing

    [Fact]
    public async Task A_write_under_a_stale_epoch_throws_and_writes_nothing()
    {
        var old = await LeadAsync("node-a");
        await Store.AppendAsync([Alert("web-1", 1)], old);
        var incident = NewIncident("incident-1", T0);
        await Store.UpsertIncidentAsync(incident, old);
        var current = await LeadAsync("node-b", T0 + LeaseFor);

        var append = await Assert.ThrowsAsync<StaleFenceException>(() =>
            Store.AppendAsync([Alert("web-1", 2), Heartbeat("web-1", 3), Alert("web-9", 1)], old));
        await Assert.ThrowsAsync<StaleFenceException>(() => Store.UpsertIncidentAsync(incident with { Version = 1, AlertCount = 99 }, old));
        await Assert.ThrowsAsync<StaleFenceException>(() => Store.UpsertIncidentAsync(NewIncident("incident-2", T0), old));
        await Assert.ThrowsAsync<StaleFenceException>(() => Store.AppendAuditAsync(Audit(1), old));
        await Assert.ThrowsAsync<StaleFenceException>(() => Store.PruneAlertsAsync(At(1000), old));

        Assert.Equal(old, append.Fence);
        Assert.Equal(current.Epoch, append.CurrentEpoch);
        Assert.Equal("node-b", append.CurrentHolder);
        Assert.Single(await Store.ListAlertsAsync(new AlertQuery()));
        Assert.Equal(new Dictionary<string, ulong> { ["web-1"] = 1 }, await Store.GetHighWaterMarksAsync());
        Assert.Null((await Store.ListHostsAsync()).Single().LastHeartbeat);
        Assert.Equal(3, (await Store.GetIncidentAsync("incident-1"))!.AlertCount);
        Assert.Single(await Store.ListIncidentsAsync(openOnly: false));
        Assert.Empty(await Store.ListAuditAsync(null, 10));
    }

    [Fact]
    public async Task The_current_epoch_can_write_after_a_stale_one_was_refused()
    {
        var old = await LeadAsync("node-a");
        var current = await LeadAsync("node-b", T0 + LeaseFor);
        await Assert.ThrowsAsync<StaleFenceException>(() => Store.AppendAsync([Alert("web-1", 1)], old));

        var outcomes = await Store.AppendAsync([Alert("web-1", 1)], current);

        Assert.Equal([AppendOutcome.Stored], outcomes);
    }

    [Fact]
    public async Task Writes_after_the_lease_is_released_are_refused_even_under_its_epoch()
    {
        var fence = await LeadAsync("node-a");
        await Store.ReleaseLeaseAsync("node-a", fence.Epoch);

        var error = await Assert.ThrowsAsync<StaleFenceException>(() => Store.AppendAsync([Alert("web-1", 1)], fence));

        Assert.Null(error.CurrentHolder);
        Assert.Empty(await Store.ListHostsAsync());
    }

    [Fact]
    public async Task Writes_before_any_lease_was_granted_are_refused()
    {
        await Assert.ThrowsAsync<StaleFenceException>(() => Store.AppendAsync([Alert("web-1", 1)], new WriteFence(0)));
        await Assert.ThrowsAsync<StaleFenceException>(() => Store.AppendAsync([Alert("web-1", 1)], new WriteFence(1)));
    }

    [Fact]
    public async Task A_leader_past_its_expiry_can_still_write_until_someone_else_takes_the_lease()
    {
        // The fence compares epochs only; stepping down before expiry is the holder's duty.
        var fence = await LeadAsync("node-a");
        Assert.Null(await Store.TryAcquireLeaseAsync("node-b", "b:7801", LeaseFor, At(1)));

        Assert.Equal([AppendOutcome.Stored], await Store.AppendAsync([Alert("web-1", 1, At(60))], fence));
    }

    // ------------------------------------------------------------------ append

    [Fact]
    public async Task Appending_stores_alerts_and_advances_each_hosts_high_water_mark()
    {
        var fence = await LeadAsync();

        var outcomes = await Store.AppendAsync([Alert("web-1", 1), Alert("web-1", 2), Alert("db-1", 7)], fence);

        Assert.Equal([AppendOutcome.Stored, AppendOutcome.Stored, AppendOutcome.Stored], outcomes);
        Assert.Equal(new Dictionary<string, ulong> { ["web-1"] = 2, ["db-1"] = 7 }, await Store.GetHighWaterMarksAsync());
        Assert.Equal(2UL, await Store.GetHighWaterMarkAsync("web-1"));
        Assert.Equal(3, (await Store.ListAlertsAsync(new AlertQuery())).Count);
    }

    [Fact]
    public async Task The_high_water_mark_of_a_host_never_seen_is_zero()
    {
        Assert.Equal(0UL, await Store.GetHighWaterMarkAsync("nobody"));
        Assert.Empty(await Store.GetHighWaterMarksAsync());
    }

    [Fact]
    public async Task An_alert_reads_back_exactly_as_appended_with_microsecond_times()
    {
        var fence = await LeadAsync();
        var received = T0.AddTicks(1_234_560); // 123,456 microseconds past T0
        var message = StoredMessage.ForAlert("web-1", 42, received, received.AddMilliseconds(-3.5),
            new AlertDetails("syn-flood", "net.syn_recv", AlertSeverity.Critical, AlertState.Firing, 1234.5, 500, "SYN_RECV 1234.5 >= 500"));

        await Store.AppendAsync([message], fence);
        var stored = Assert.Single(await Store.ListAlertsAsync(new AlertQuery()));

        Assert.Equal(new AlertRecord("web-1", 42, MessageKind.Alert, received, received.AddMilliseconds(-3.5), message.Alert!), stored);
    }

    [Fact]
    public async Task A_resolution_is_stored_as_an_alert_row_of_its_kind()
    {
        var fence = await LeadAsync();

        await Store.AppendAsync([Alert("web-1", 1), Alert("web-1", 2, state: AlertState.Resolved)], fence);

        Assert.Equal([MessageKind.Resolution, MessageKind.Alert], (await Store.ListAlertsAsync(new AlertQuery())).Select(a => a.Kind));
    }

    [Fact]
    public async Task Heartbeats_advance_the_high_water_mark_and_last_heartbeat_but_are_not_stored_as_alerts()
    {
        var fence = await LeadAsync();
        await Store.AppendAsync([Alert("web-1", 1, At(1))], fence);

        var outcomes = await Store.AppendAsync([Heartbeat("web-1", 2, At(5)), Heartbeat("web-1", 3, At(10))], fence);

        Assert.Equal([AppendOutcome.Stored, AppendOutcome.Stored], outcomes);
        Assert.Single(await Store.ListAlertsAsync(new AlertQuery()));
        Assert.Equal(3UL, await Store.GetHighWaterMarkAsync("web-1"));
        Assert.Equal(new HostRecord("web-1", At(1), At(10), At(10), 3), Assert.Single(await Store.ListHostsAsync()));
    }

    [Fact]
    public async Task A_control_message_advances_the_high_water_mark_without_a_row_or_a_heartbeat()
    {
        var fence = await LeadAsync();

        await Store.AppendAsync([new StoredMessage("web-1", 4, MessageKind.Control, At(4), At(4))], fence);

        Assert.Empty(await Store.ListAlertsAsync(new AlertQuery()));
        Assert.Equal(new HostRecord("web-1", At(4), At(4), null, 4), Assert.Single(await Store.ListHostsAsync()));
    }

    [Fact]
    public async Task A_message_already_stored_is_a_duplicate_and_is_not_stored_twice()
    {
        var fence = await LeadAsync();
        await Store.AppendAsync([Alert("web-1", 1), Alert("web-1", 2)], fence);

        var again = await Store.AppendAsync([Alert("web-1", 2, At(99), AlertSeverity.Critical), Alert("web-1", 3), Alert("web-1", 3)], fence);

        Assert.Equal([AppendOutcome.Duplicate, AppendOutcome.Stored, AppendOutcome.Duplicate], again);
        var stored = await Store.ListAlertsAsync(new AlertQuery());
        Assert.Equal([3UL, 2UL, 1UL], stored.Select(a => a.Sequence));
        Assert.Equal(AlertSeverity.Warning, stored[1].Alert.Severity); // the first stored version wins
    }

    [Fact]
    public async Task A_message_at_or_below_the_high_water_mark_is_a_duplicate_even_if_it_never_became_a_row()
    {
        var fence = await LeadAsync();
        await Store.AppendAsync([Heartbeat("web-1", 5, At(5))], fence);

        var outcomes = await Store.AppendAsync([Alert("web-1", 3, At(6)), Heartbeat("web-1", 5, At(7))], fence);

        Assert.Equal([AppendOutcome.Duplicate, AppendOutcome.Duplicate], outcomes);
        Assert.Empty(await Store.ListAlertsAsync(new AlertQuery()));
        Assert.Equal(new HostRecord("web-1", At(5), At(5), At(5), 5), Assert.Single(await Store.ListHostsAsync()));
    }

    [Fact]
    public async Task An_invalid_message_fails_the_whole_batch_and_writes_nothing()
    {
        var fence = await LeadAsync();
        var alertWithoutDetails = new StoredMessage("web-1", 2, MessageKind.Alert, At(2), At(2));

        await Assert.ThrowsAsync<ArgumentException>(() => Store.AppendAsync([Alert("web-1", 1), alertWithoutDetails], fence));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AppendAsync([Alert("web-1", 0)], fence));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AppendAsync([Alert("web-1", (ulong)long.MaxValue + 1, At(3))], fence));

        Assert.Empty(await Store.ListHostsAsync());
    }

    [Fact]
    public async Task Hosts_keep_their_first_sighting_and_their_latest_sighting_and_heartbeat()
    {
        var fence = await LeadAsync();
        await Store.AppendAsync([Alert("web-1", 1, At(10)), Heartbeat("db-1", 1, At(11))], fence);
        await Store.AppendAsync([Heartbeat("web-1", 2, At(20)), Alert("web-1", 3, At(25))], fence);

        Assert.Equal(
            [new HostRecord("db-1", At(11), At(11), At(11), 1), new HostRecord("web-1", At(10), At(25), At(20), 3)],
            await Store.ListHostsAsync());
    }

    [Fact]
    public async Task An_empty_batch_is_accepted_and_changes_nothing()
    {
        var fence = await LeadAsync();

        Assert.Empty(await Store.AppendAsync([], fence));
        Assert.Empty(await Store.ListHostsAsync());
    }

    // ------------------------------------------------------------------ queries

    private async Task<WriteFence> SeedAlertsAsync()
    {
        var fence = await LeadAsync();
        await Store.AppendAsync(
        [
            Alert("web-1", 1, At(1), AlertSeverity.Warning),
            Alert("web-2", 1, At(2), AlertSeverity.Critical),
            Alert("web-1", 2, At(3), AlertSeverity.Critical),
            Alert("db-1", 1, At(4), AlertSeverity.Info),
            Alert("web-1", 3, At(5), AlertSeverity.Warning),
        ], fence);
        return fence;
    }

    private static IEnumerable<string> Keys(IEnumerable<AlertRecord> alerts) => alerts.Select(a => $"{a.HostId}#{a.Sequence}");

    [Fact]
    public async Task Alerts_are_listed_newest_first_up_to_the_limit()
    {
        await SeedAlertsAsync();

        Assert.Equal(["web-1#3", "db-1#1", "web-1#2", "web-2#1", "web-1#1"], Keys(await Store.ListAlertsAsync(new AlertQuery())));
        Assert.Equal(["web-1#3", "db-1#1"], Keys(await Store.ListAlertsAsync(new AlertQuery { Limit = 2 })));
    }

    [Fact]
    public async Task Alerts_can_be_filtered_by_host()
    {
        await SeedAlertsAsync();

        Assert.Equal(["web-1#3", "web-1#2", "web-1#1"], Keys(await Store.ListAlertsAsync(new AlertQuery { Host = "web-1" })));
        Assert.Empty(await Store.ListAlertsAsync(new AlertQuery { Host = "nobody" }));
    }

    [Fact]
    public async Task Alerts_can_be_filtered_by_a_since_time_that_is_inclusive()
    {
        await SeedAlertsAsync();

        Assert.Equal(["web-1#3", "db-1#1", "web-1#2"], Keys(await Store.ListAlertsAsync(new AlertQuery { Since = At(3) })));
    }

    [Fact]
    public async Task Alerts_can_be_filtered_by_exact_severity()
    {
        await SeedAlertsAsync();

        Assert.Equal(["web-1#2", "web-2#1"], Keys(await Store.ListAlertsAsync(new AlertQuery { Severity = AlertSeverity.Critical })));
        Assert.Equal(["db-1#1"], Keys(await Store.ListAlertsAsync(new AlertQuery { Severity = AlertSeverity.Info })));
    }

    [Fact]
    public async Task Alert_filters_combine_with_each_other_and_the_limit()
    {
        await SeedAlertsAsync();

        var query = new AlertQuery { Host = "web-1", Since = At(2), Severity = AlertSeverity.Warning, Limit = 1 };

        Assert.Equal(["web-1#3"], Keys(await Store.ListAlertsAsync(query)));
    }

    [Fact]
    public async Task A_limit_outside_one_to_the_maximum_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ListAlertsAsync(new AlertQuery { Limit = 0 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ListAlertsAsync(new AlertQuery { Limit = AlertQuery.MaxLimit + 1 }));
    }

    // ------------------------------------------------------------------ alerts the monitor raises

    private static RaisedAlert Raised(string subject, DateTimeOffset at, AlertSeverity severity = AlertSeverity.Critical) =>
        new(subject, at, new AlertDetails("security", "security.tampering", severity, AlertState.Firing, 5, 5,
            $"tampering suspected: 5 integrity failures from {subject}"));

    [Fact]
    public async Task Alerts_the_monitor_raised_are_listed_with_the_watchers_alerts_and_filtered_alike()
    {
        var fence = await SeedAlertsAsync();
        await Store.AppendRaisedAlertAsync(Raised("web-1", At(3)), fence);           // same instant as web-1#2: listed first
        await Store.AppendRaisedAlertAsync(Raised("203.0.113.7", At(6), AlertSeverity.Warning), fence); // a peer, no host

        var all = await Store.ListAlertsAsync(new AlertQuery());
        Assert.Equal(["203.0.113.7#0", "web-1#3", "db-1#1", "web-1#0", "web-1#2", "web-2#1", "web-1#1"], Keys(all));
        var raised = all[0];
        Assert.Equal(new AlertRecord("203.0.113.7", 0, MessageKind.Alert, At(6), At(6), Raised("203.0.113.7", At(6), AlertSeverity.Warning).Alert,
            AlertOrigin.Monitor), raised);
        Assert.Equal(AlertOrigin.Watcher, all[1].Origin);
        Assert.Equal(["web-1#3", "web-1#0", "web-1#2", "web-1#1"], Keys(await Store.ListAlertsAsync(new AlertQuery { Host = "web-1" })));
        Assert.Equal(["web-1#0", "web-1#2", "web-2#1"], Keys(await Store.ListAlertsAsync(new AlertQuery { Severity = AlertSeverity.Critical })));
        Assert.Equal(["203.0.113.7#0", "web-1#3"], Keys(await Store.ListAlertsAsync(new AlertQuery { Since = At(5) })));
        Assert.Equal(["203.0.113.7#0"], Keys(await Store.ListAlertsAsync(new AlertQuery { Limit = 1 })));
        Assert.Equal(["203.0.113.7#0", "web-1#0"], Keys(await Store.ListAlertsAsync(new AlertQuery { Origin = AlertOrigin.Monitor })));
        Assert.Equal(["web-1#3", "db-1#1"], Keys(await Store.ListAlertsAsync(new AlertQuery { Origin = AlertOrigin.Watcher, Limit = 2 })));
        Assert.Equal(["web-1#0"], Keys(await Store.ListAlertsAsync(new AlertQuery { Metric = "security.tampering", Host = "web-1" })));
        Assert.Equal(["web-1#3", "db-1#1", "web-1#2", "web-2#1", "web-1#1"], Keys(await Store.ListAlertsAsync(new AlertQuery { Metric = "cpu.percent" })));
        // Not a host: the monitor's alert about a peer adds none.
        Assert.DoesNotContain("203.0.113.7", (await Store.ListHostsAsync()).Select(h => h.HostId));
    }

    [Fact]
    public async Task Alerts_the_monitor_raises_are_fenced_validated_and_pruned_by_when_they_were_raised()
    {
        var old = await LeadAsync("node-a");
        await Store.ReleaseLeaseAsync("node-a", old.Epoch);
        var fence = await LeadAsync("node-b");

        await Assert.ThrowsAsync<StaleFenceException>(() => Store.AppendRaisedAlertAsync(Raised("web-1", At(1)), old));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.AppendRaisedAlertAsync(Raised("", At(1)), fence));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.AppendRaisedAlertAsync(
            Raised("web-1", At(1)) with { Alert = Raised("web-1", At(1)).Alert with { Value = double.NaN } }, fence));
        Assert.Empty(await Store.ListAlertsAsync(new AlertQuery()));

        await Store.AppendRaisedAlertAsync(Raised("web-1", At(1)), fence);
        await Store.AppendRaisedAlertAsync(Raised("web-1", At(20)), fence);
        await Store.AppendAsync([Alert("web-1", 1, At(2))], fence);

        Assert.Equal(2, await Store.PruneAlertsAsync(At(10), fence));
        Assert.Equal([At(20)], (await Store.ListAlertsAsync(new AlertQuery())).Select(a => a.ReceivedAt));
    }

    // ------------------------------------------------------------------ refusal counters

    [Fact]
    public async Task Refusal_counts_add_up_across_calls_and_store_instances_and_are_listed_in_order()
    {
        Assert.Empty(await Store.ListRejectionCountsAsync());

        await Store.AddRejectionCountsAsync([new("web-1", "bad_hmac", 3), new("-", "handshake", 2), new("web-1", "bad_hmac", 1)], At(1));
        var other = await OpenAnotherAsync();                       // another node on the same database
        await other.AddRejectionCountsAsync([new("web-1", "bad_hmac", 5), new("web-1", "replay", 1)], At(2));
        await Store.AddRejectionCountsAsync([], At(3));

        Assert.Equal([new("-", "handshake", 2), new("web-1", "bad_hmac", 9), new("web-1", "replay", 1)], await Store.ListRejectionCountsAsync());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.AddRejectionCountsAsync([new("web-1", "replay", 1), new("web-1", "replay", -1)], At(4)));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.AddRejectionCountsAsync([new("", "replay", 1)], At(4)));
        Assert.Equal(1, (await other.ListRejectionCountsAsync()).Single(t => t.Reason == "replay").Count);
    }

    // ------------------------------------------------------------------ prune

    [Fact]
    public async Task Pruning_deletes_only_alerts_older_than_the_cutoff_and_returns_how_many()
    {
        var fence = await LeadAsync();
        await Store.AppendAsync([.. Enumerable.Range(1, 12).Select(i => Alert("web-1", (ulong)i, At(i)))], fence);

        var pruned = await Store.PruneAlertsAsync(At(11), fence);

        Assert.Equal(10, pruned);
        Assert.Equal(["web-1#12", "web-1#11"], Keys(await Store.ListAlertsAsync(new AlertQuery())));
        Assert.Equal(0, await Store.PruneAlertsAsync(At(11), fence));
    }

    [Fact]
    public async Task Pruned_sequences_are_still_duplicates_because_hosts_and_marks_are_kept()
    {
        var fence = await LeadAsync();
        await Store.AppendAsync([Alert("web-1", 1, At(1)), Alert("web-1", 2, At(2))], fence);
        await Store.PruneAlertsAsync(At(100), fence);

        var replay = await Store.AppendAsync([Alert("web-1", 1, At(200))], fence);

        Assert.Equal([AppendOutcome.Duplicate], replay);
        Assert.Empty(await Store.ListAlertsAsync(new AlertQuery()));
        Assert.Equal(2UL, await Store.GetHighWaterMarkAsync("web-1"));
    }

    // ------------------------------------------------------------------ incidents

    [Fact]
    public async Task A_new_incident_is_stored_at_version_one_and_reads_back_equal()
    {
        var fence = await LeadAsync();
        var incident = NewIncident("incident-1", T0.AddTicks(10));

        var version = await Store.UpsertIncidentAsync(incident, fence);

        Assert.Equal(1, version);
        AssertSameIncident(incident, (await Store.GetIncidentAsync("incident-1"))!, version: 1);
    }

    [Fact]
    public async Task Updating_an_incident_at_its_current_version_bumps_the_version()
    {
        var fence = await LeadAsync();
        var incident = NewIncident("incident-1", T0);
        await Store.UpsertIncidentAsync(incident, fence);
        var acknowledged = incident with
        {
            State = IncidentState.Acknowledged, AcknowledgedBy = "CN=alice", AcknowledgedAt = At(30), AcknowledgementNote = "on it",
            Hosts = ["web-1", "web-2", "db-1", "db-2"], AlertCount = 4, Version = 1,
        };

        var version = await Store.UpsertIncidentAsync(acknowledged, fence);

        Assert.Equal(2, version);
        AssertSameIncident(acknowledged, (await Store.GetIncidentAsync("incident-1"))!, version: 2);
    }

    [Fact]
    public async Task Updating_an_incident_at_a_stale_version_is_a_conflict_and_changes_nothing()
    {
        var fence = await LeadAsync();
        var incident = NewIncident("incident-1", T0);
        await Store.UpsertIncidentAsync(incident, fence);
        await Store.UpsertIncidentAsync(incident with { AlertCount = 5, Version = 1 }, fence);

        var error = await Assert.ThrowsAsync<IncidentVersionConflictException>(() =>
            Store.UpsertIncidentAsync(incident with { AlertCount = 6, Version = 1 }, fence));

        Assert.Equal(2, error.StoredVersion);
        Assert.Equal(5, (await Store.GetIncidentAsync("incident-1"))!.AlertCount);
    }

    [Fact]
    public async Task Creating_an_incident_that_exists_or_updating_one_that_does_not_is_a_conflict()
    {
        var fence = await LeadAsync();
        await Store.UpsertIncidentAsync(NewIncident("incident-1", T0), fence);

        await Assert.ThrowsAsync<IncidentVersionConflictException>(() => Store.UpsertIncidentAsync(NewIncident("incident-1", T0), fence));
        var missing = await Assert.ThrowsAsync<IncidentVersionConflictException>(() =>
            Store.UpsertIncidentAsync(NewIncident("incident-2", T0) with { Version = 3 }, fence));
        Assert.Null(missing.StoredVersion);
        Assert.Null(await Store.GetIncidentAsync("incident-2"));
    }

    [Fact]
    public async Task Open_only_lists_open_and_acknowledged_incidents_most_recently_opened_first()
    {
        var fence = await LeadAsync();
        await Store.UpsertIncidentAsync(NewIncident("old-open", At(1)), fence);
        await Store.UpsertIncidentAsync(NewIncident("resolved", At(2), IncidentState.Resolved), fence);
        await Store.UpsertIncidentAsync(NewIncident("acknowledged", At(3), IncidentState.Acknowledged), fence);

        Assert.Equal(["acknowledged", "old-open"], (await Store.ListIncidentsAsync(openOnly: true)).Select(i => i.Id));
        Assert.Equal(["acknowledged", "resolved", "old-open"], (await Store.ListIncidentsAsync(openOnly: false)).Select(i => i.Id));
    }

    [Fact]
    public async Task Getting_an_unknown_incident_returns_null()
    {
        Assert.Null(await Store.GetIncidentAsync("nope"));
    }

    [Theory]
    [InlineData("hosts", "'[\"web-1\", null]'")]
    [InlineData("evidence", "'[{\"at\": 1, \"host\": \"web-1\", \"kind\": \"alert\"}]'")]
    [InlineData("evidence", "'[{\"at\": 1, \"host\": \"web-1\", \"kind\": \"alert\", \"detail\": \"x\", \"extra\": 1}]'")]
    [InlineData("evidence", "'[{\"at\": \"1\", \"host\": \"web-1\", \"kind\": \"alert\", \"detail\": \"x\"}]'")]
    public async Task Stored_incident_json_of_an_unexpected_shape_is_refused_rather_than_guessed(string column, string json)
    {
        var fence = await LeadAsync();
        await Store.UpsertIncidentAsync(NewIncident("incident-1", T0), fence);
        await ExecuteSqlAsync($"UPDATE incidents SET {column} = {json}");

        var error = await Assert.ThrowsAsync<StoredDataException>(() => Store.GetIncidentAsync("incident-1"));

        Assert.Contains("incident-1", error.Message);
    }

    // ------------------------------------------------------------------ audit

    [Fact]
    public async Task Audit_entries_are_appended_with_or_without_a_fence_and_listed_newest_first()
    {
        var fence = await LeadAsync();

        var first = await Store.AppendAuditAsync(Audit(1, "ack"), fence);
        var second = await Store.AppendAuditAsync(Audit(2, "resolve", success: false), fence: null);

        Assert.True(second > first);
        Assert.Equal(
            [new AuditEntry(second, null, Audit(2, "resolve", success: false)), new AuditEntry(first, fence.Epoch, Audit(1, "ack"))],
            await Store.ListAuditAsync(null, 10));
    }

    [Fact]
    public async Task A_follower_can_audit_a_refused_command_without_a_fence_but_not_under_a_stale_one()
    {
        var stale = await LeadAsync("node-a");
        await LeadAsync("node-b", T0 + LeaseFor);

        await Assert.ThrowsAsync<StaleFenceException>(() => Store.AppendAuditAsync(Audit(1, "ack", success: false), stale));
        await Store.AppendAuditAsync(Audit(2, "ack", success: false), fence: null);

        var entry = Assert.Single(await Store.ListAuditAsync(null, 10));
        Assert.Equal(At(2), entry.Record.At);
        Assert.Null(entry.Epoch);
    }

    [Fact]
    public async Task The_audit_listing_honours_since_and_limit()
    {
        for (var i = 1; i <= 5; i++) await Store.AppendAuditAsync(Audit(i, $"cmd-{i}"), fence: null);

        Assert.Equal(["cmd-5", "cmd-4", "cmd-3"], (await Store.ListAuditAsync(At(3), 10)).Select(e => e.Record.Command));
        Assert.Equal(["cmd-5", "cmd-4"], (await Store.ListAuditAsync(null, 2)).Select(e => e.Record.Command));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ListAuditAsync(null, 0));
    }

    // ------------------------------------------------------------------ threshold settings

    private static ThresholdSettingsRecord Settings(string scope, long revision, params string[] settings) =>
        new(scope, revision, settings, "CN=alice", At(revision));

    [Fact]
    public async Task Threshold_settings_are_replaced_per_scope_and_listed_by_scope_in_their_order()
    {
        var fence = await LeadAsync();

        await Store.UpsertThresholdSettingsAsync(Settings("web-1", 1, "cpu.total.warn=80", "cpu.total.critical=90"), fence);
        await Store.UpsertThresholdSettingsAsync(Settings(ThresholdSettingsRecord.AllHosts, 2, "memory.used.warn=70"), fence);
        await Store.UpsertThresholdSettingsAsync(Settings("web-1", 3, "tcp.syn_recv.warn=100", "cpu.total.warn=75"), fence);

        var listed = await Store.ListThresholdSettingsAsync();
        Assert.Equal([ThresholdSettingsRecord.AllHosts, "web-1"], listed.Select(s => s.Scope));
        Assert.Equal(["memory.used.warn=70"], listed[0].Settings);
        Assert.Equal(["tcp.syn_recv.warn=100", "cpu.total.warn=75"], listed[1].Settings);
        Assert.Equal((3L, "CN=alice", At(3)), (listed[1].Revision, listed[1].UpdatedBy, listed[1].UpdatedAt));
    }

    [Fact]
    public async Task Threshold_settings_are_fenced_and_validated()
    {
        var stale = await LeadAsync("node-a");
        var fence = await LeadAsync("node-b", T0 + LeaseFor);

        await Assert.ThrowsAsync<StaleFenceException>(() => Store.UpsertThresholdSettingsAsync(Settings("web-1", 1, "cpu.total.warn=80"), stale));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.UpsertThresholdSettingsAsync(Settings("web-1", 0, "cpu.total.warn=80"), fence));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.UpsertThresholdSettingsAsync(Settings("", 1), fence));
        Assert.Empty(await Store.ListThresholdSettingsAsync());
    }

    [Fact]
    public async Task An_applied_threshold_revision_only_ever_rises()
    {
        var fence = await LeadAsync();

        await Store.RecordThresholdsAppliedAsync(new ThresholdsAppliedRecord("web-1", 5, At(1)), fence);
        await Store.RecordThresholdsAppliedAsync(new ThresholdsAppliedRecord("web-1", 3, At(2)), fence);
        await Store.RecordThresholdsAppliedAsync(new ThresholdsAppliedRecord("db-1", 2, At(3)), fence);
        await Store.RecordThresholdsAppliedAsync(new ThresholdsAppliedRecord("db-1", 4, At(4)), fence);

        Assert.Equal([new ThresholdsAppliedRecord("db-1", 4, At(4)), new ThresholdsAppliedRecord("web-1", 5, At(1))],
            await Store.ListThresholdsAppliedAsync());
        var stale = new WriteFence(fence.Epoch - 1);
        await Assert.ThrowsAsync<StaleFenceException>(() => Store.RecordThresholdsAppliedAsync(new ThresholdsAppliedRecord("web-1", 9, At(5)), stale));
    }

    // ------------------------------------------------------------------ audit log, raw

    [Theory]
    [InlineData("UPDATE audit_log SET result = 'forged'")]
    [InlineData("DELETE FROM audit_log")]
    public async Task The_audit_log_cannot_be_updated_or_deleted_even_with_raw_sql(string sql)
    {
        await Store.AppendAuditAsync(Audit(1), fence: null);

        var error = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => ExecuteSqlAsync(sql));

        Assert.Contains("append-only", error.Message);
        Assert.Equal(Audit(1), Assert.Single(await Store.ListAuditAsync(null, 10)).Record);
    }

    // ------------------------------------------------------------------ durability

    [Fact]
    public async Task Everything_committed_is_there_after_closing_and_reopening()
    {
        var fence = await LeadAsync();
        await Store.AppendAsync([Alert("web-1", 1, At(1)), Heartbeat("web-1", 2, At(2)), Alert("db-1", 9, At(3))], fence);
        await Store.UpsertIncidentAsync(NewIncident("incident-1", T0), fence);
        await Store.AppendAuditAsync(Audit(4), fence);
        await Store.UpsertThresholdSettingsAsync(Settings("web-1", 6, "cpu.total.warn=80"), fence);
        await Store.RecordThresholdsAppliedAsync(new ThresholdsAppliedRecord("web-1", 6, At(7)), fence);
        var alerts = await Store.ListAlertsAsync(new AlertQuery());
        var hosts = await Store.ListHostsAsync();
        await Store.DisposeAsync();

        var reopened = await OpenAnotherAsync();

        Assert.Equal(alerts, await reopened.ListAlertsAsync(new AlertQuery()));
        Assert.Equal(hosts, await reopened.ListHostsAsync());
        Assert.Equal(new Dictionary<string, ulong> { ["web-1"] = 2, ["db-1"] = 9 }, await reopened.GetHighWaterMarksAsync());
        AssertSameIncident(NewIncident("incident-1", T0), (await reopened.GetIncidentAsync("incident-1"))!, version: 1);
        Assert.Single(await reopened.ListAuditAsync(null, 10));
        Assert.Equal(["cpu.total.warn=80"], Assert.Single(await reopened.ListThresholdSettingsAsync()).Settings);
        Assert.Equal(6, Assert.Single(await reopened.ListThresholdsAppliedAsync()).Revision);
        Assert.Equal(new LeaseState("node-a", "node-a:7801", 1, T0 + LeaseFor), await reopened.ReadLeaseAsync());
        Assert.Equal([AppendOutcome.Duplicate], await reopened.AppendAsync([Alert("web-1", 1)], fence));
    }

    [Fact]
    public async Task A_second_store_on_the_same_database_is_fenced_by_the_same_lease()
    {
        var oldFence = await LeadAsync("node-a");
        var other = await OpenAnotherAsync();
        var grant = await other.TryAcquireLeaseAsync("node-b", "b:7801", LeaseFor, T0 + LeaseFor);

        await Assert.ThrowsAsync<StaleFenceException>(() => Store.AppendAsync([Alert("web-1", 1)], oldFence));
        Assert.Equal([AppendOutcome.Stored], await other.AppendAsync([Alert("web-1", 1)], new WriteFence(grant!.Epoch)));
    }
}
