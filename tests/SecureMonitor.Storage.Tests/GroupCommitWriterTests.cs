using SecureMonitor.Storage.Sqlite;

namespace SecureMonitor.Storage.Tests;

/// <summary>
/// Group commit over a real SQLite store, observed through <see cref="ScriptedStore"/>: appends are
/// counted, and held at a gate when a test needs the writer loop busy (no sleeps, every wait bounded).
/// </summary>
public sealed class GroupCommitWriterTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly TempDirectory _dir = new();
    private SqliteMonitorStore _sqlite = null!;
    private ScriptedStore _store = null!;
    private WriteFence _fence;

    public async Task InitializeAsync()
    {
        _sqlite = new SqliteMonitorStore(new SqliteMonitorStoreOptions { DataDirectory = _dir.Path });
        await _sqlite.MigrateAsync();
        var grant = await _sqlite.TryAcquireLeaseAsync("node-a", "a:7801", TimeSpan.FromMinutes(10), T0);
        _fence = new WriteFence(grant!.Epoch);
        _store = new ScriptedStore(_sqlite);
    }

    public async Task DisposeAsync()
    {
        await _sqlite.DisposeAsync();
        _dir.Dispose();
    }

    private static StoredMessage Numbered(int i) => Alert($"host-{i % 16}", (ulong)(i / 16 + 1), At(i));

    [Fact]
    public async Task Messages_queued_while_a_commit_runs_are_committed_together_in_the_next_batch()
    {
        await using var writer = new GroupCommitWriter(_store, _fence);
        var hold = _store.HoldNextAppend();
        var first = writer.WriteAsync(Numbered(0));
        await hold.Entered.WaitAsync(Bound);

        // 63 concurrent callers queue up while the first commit is held, each for a host of its own (callers
        // of one host racing each other could queue its sequences out of order: a later one would then be a duplicate).
        var queued = await Task.WhenAll(Enumerable.Range(1, 63).Select(i => Task.Run(async () => await writer.EnqueueAsync(Alert($"solo-{i}", 1, At(i)))))).WaitAsync(Bound);
        Assert.Equal(63, writer.QueuedCount);
        hold.Release();
        var outcomes = await Task.WhenAll([first, .. queued]).WaitAsync(Bound);

        Assert.All(outcomes, o => Assert.Equal(AppendOutcome.Stored, o));
        Assert.Equal([1, 63], _store.BatchSizes);
        Assert.Equal(64, (await _sqlite.ListAlertsAsync(new AlertQuery { Limit = 1000 })).Count);
    }

    [Fact]
    public async Task Many_concurrent_writers_all_complete_with_their_own_outcome_in_far_fewer_commits()
    {
        await using var writer = new GroupCommitWriter(_store, _fence);
        const int Writers = 64, PerWriter = 50;

        // Each writer owns one host and writes its sequences in order, every 10th one twice.
        var results = await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var outcomes = new List<(ulong Sequence, AppendOutcome Outcome)>();
            for (var s = 1UL; s <= PerWriter; s++)
            {
                var message = s % 5 == 0 ? Heartbeat($"host-{w}", s, At(s)) : Alert($"host-{w}", s, At(s));
                outcomes.Add((s, await writer.WriteAsync(message)));
                if (s % 10 == 0) outcomes.Add((s, await writer.WriteAsync(message)));
            }

            return outcomes;
        }))).WaitAsync(Bound);

        foreach (var outcomes in results)
        {
            Assert.Equal(PerWriter + PerWriter / 10, outcomes.Count);
            Assert.Equal(PerWriter, outcomes.Count(o => o.Outcome == AppendOutcome.Stored));
            Assert.All(outcomes.GroupBy(o => o.Sequence), g => Assert.Equal(AppendOutcome.Stored, g.First().Outcome));
        }

        var marks = await _sqlite.GetHighWaterMarksAsync();
        Assert.Equal(Writers, marks.Count);
        Assert.All(marks.Values, m => Assert.Equal((ulong)PerWriter, m));
        Assert.Equal(Writers * PerWriter * 4 / 5, (await _sqlite.ListAlertsAsync(new AlertQuery { Limit = AlertQuery.MaxLimit })).Count);
        Assert.Equal(Writers * (PerWriter + PerWriter / 10), _store.BatchSizes.Sum());
        Assert.True(_store.AppendCalls < Writers * PerWriter, $"{_store.AppendCalls} commits for {Writers * PerWriter} messages");
    }

    [Fact]
    public async Task A_batch_never_exceeds_the_maximum_size()
    {
        await using var writer = new GroupCommitWriter(_store, _fence, new GroupCommitWriterOptions { MaxBatchSize = 10 });
        var hold = _store.HoldNextAppend();
        var first = writer.WriteAsync(Numbered(0));
        await hold.Entered.WaitAsync(Bound);
        var queued = new List<Task<AppendOutcome>>();
        for (var i = 1; i <= 34; i++) queued.Add(await writer.EnqueueAsync(Numbered(i)));

        hold.Release();
        await Task.WhenAll([first, .. queued]).WaitAsync(Bound);

        Assert.Equal([1, 10, 10, 10, 4], _store.BatchSizes);
    }

    [Fact]
    public async Task A_failed_batch_fails_it_everything_queued_behind_it_and_every_later_write_so_no_later_sequence_is_stored()
    {
        var faults = new List<Exception>();
        await using var writer = new GroupCommitWriter(_store, _fence, new GroupCommitWriterOptions { MaxBatchSize = 2, Faulted = faults.Add });
        var hold = _store.HoldNextAppend();
        var first = writer.WriteAsync(Alert("web-1", 1));
        await hold.Entered.WaitAsync(Bound);
        var doomed = new List<Task<AppendOutcome>>();
        for (var s = 2UL; s <= 5; s++) doomed.Add(await writer.EnqueueAsync(Alert("web-1", s))); // batches [2, 3] and [4, 5]
        _store.FailNextAppend(new IOException("disk went away"));

        hold.Release();

        Assert.Equal(AppendOutcome.Stored, await first.WaitAsync(Bound));
        foreach (var task in doomed)
        {
            var error = await Assert.ThrowsAsync<IOException>(() => task.WaitAsync(Bound));
            Assert.Equal("disk went away", error.Message);
        }
        // Storing 6 now would move web-1's mark past 2-5, and their resends would be taken for replays.
        await Assert.ThrowsAsync<IOException>(() => writer.WriteAsync(Alert("web-1", 6)).WaitAsync(Bound));
        Assert.Equal(0, writer.QueuedCount);
        Assert.Equal("disk went away", Assert.Single(faults).Message);
        Assert.Equal([1, 2], _store.BatchSizes); // [4, 5] was never tried
        Assert.Equal([1UL], (await _sqlite.ListAlertsAsync(new AlertQuery())).Select(a => a.Sequence));
        Assert.Equal(1UL, await _sqlite.GetHighWaterMarkAsync("web-1"));
    }

    [Fact]
    public async Task A_deposed_leaders_writes_fail_with_a_stale_fence_and_nothing_is_stored()
    {
        await using var writer = new GroupCommitWriter(_store, _fence);
        await _sqlite.TryAcquireLeaseAsync("node-b", "b:7801", TimeSpan.FromMinutes(10), T0 + TimeSpan.FromMinutes(10));

        var writes = Enumerable.Range(1, 5).Select(i => writer.WriteAsync(Alert("web-1", (ulong)i))).ToArray();

        foreach (var write in writes) await Assert.ThrowsAsync<StaleFenceException>(() => write.WaitAsync(Bound));
        Assert.Empty(await _sqlite.ListHostsAsync());
    }

    [Fact]
    public async Task A_full_queue_makes_writers_wait_until_the_writer_takes_a_batch()
    {
        await using var writer = new GroupCommitWriter(_store, _fence, new GroupCommitWriterOptions { QueueCapacity = 2 });
        var hold = _store.HoldNextAppend();
        var first = writer.WriteAsync(Alert("web-1", 1));
        await hold.Entered.WaitAsync(Bound);
        var second = await writer.EnqueueAsync(Alert("web-1", 2)).AsTask().WaitAsync(Bound);
        var third = await writer.EnqueueAsync(Alert("web-1", 3)).AsTask().WaitAsync(Bound);

        var fourthQueued = writer.EnqueueAsync(Alert("web-1", 4)).AsTask();

        Assert.Equal(2, writer.QueuedCount);
        Assert.False(fourthQueued.IsCompleted, "the fourth write must wait for room in the queue");
        hold.Release();
        var fourth = await fourthQueued.WaitAsync(Bound);
        await Task.WhenAll(first, second, third, fourth).WaitAsync(Bound);
        Assert.Equal(4UL, await _sqlite.GetHighWaterMarkAsync("web-1"));
    }

    [Fact]
    public async Task A_writer_waiting_for_room_can_give_up_and_its_message_is_never_written()
    {
        await using var writer = new GroupCommitWriter(_store, _fence, new GroupCommitWriterOptions { QueueCapacity = 1 });
        var hold = _store.HoldNextAppend();
        var first = writer.WriteAsync(Alert("web-1", 1));
        await hold.Entered.WaitAsync(Bound);
        var second = await writer.EnqueueAsync(Alert("web-1", 2));
        using var cancel = new CancellationTokenSource();

        var third = writer.WriteAsync(Alert("web-1", 3), cancel.Token);
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => third.WaitAsync(Bound));
        hold.Release();
        await Task.WhenAll(first, second).WaitAsync(Bound);
        Assert.Equal(2UL, await _sqlite.GetHighWaterMarkAsync("web-1"));
    }

    [Fact]
    public async Task Disposing_commits_everything_already_queued_before_it_returns()
    {
        var writer = new GroupCommitWriter(_store, _fence);
        var hold = _store.HoldNextAppend();
        var first = writer.WriteAsync(Alert("web-1", 1));
        await hold.Entered.WaitAsync(Bound);
        var queued = new List<Task<AppendOutcome>>();
        for (var s = 2UL; s <= 10; s++) queued.Add(await writer.EnqueueAsync(Alert("web-1", s)));

        var disposing = writer.DisposeAsync().AsTask();
        Assert.False(disposing.IsCompleted);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => writer.WriteAsync(Alert("web-1", 11)));
        hold.Release();
        await disposing.WaitAsync(Bound);

        Assert.All([first, .. queued], t => Assert.Equal(AppendOutcome.Stored, t.Result));
        Assert.Equal(10, (await _sqlite.ListAlertsAsync(new AlertQuery())).Count);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => writer.WriteAsync(Alert("web-1", 12)));
    }

    [Fact]
    public async Task An_invalid_message_is_refused_at_the_door_so_it_cannot_fail_a_batch()
    {
        await using var writer = new GroupCommitWriter(_store, _fence);

        await Assert.ThrowsAsync<ArgumentException>(() => writer.WriteAsync(new StoredMessage("web-1", 1, MessageKind.Alert, T0, T0)));

        Assert.Equal(0, _store.AppendCalls);
    }
}
