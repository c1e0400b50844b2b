namespace SecureMonitor.Storage.Tests.Support;

/// <summary>Forwards every member to an inner store; tests override what they observe or script.</summary>
internal class DelegatingMonitorStore(IMonitorStore inner) : IMonitorStore
{
    protected IMonitorStore Inner { get; } = inner;

    public virtual Task<IReadOnlyList<AppendOutcome>> AppendAsync(IReadOnlyList<StoredMessage> batch, WriteFence fence, CancellationToken ct = default) =>
        Inner.AppendAsync(batch, fence, ct);

    public Task<MigrationResult> MigrateAsync(CancellationToken ct = default) => Inner.MigrateAsync(ct);
    public Task<int> GetSchemaVersionAsync(CancellationToken ct = default) => Inner.GetSchemaVersionAsync(ct);
    public Task<LeaseGrant?> TryAcquireLeaseAsync(string nodeId, string endpoint, TimeSpan duration, DateTimeOffset now, CancellationToken ct = default) =>
        Inner.TryAcquireLeaseAsync(nodeId, endpoint, duration, now, ct);
    public Task<bool> RenewLeaseAsync(string nodeId, long epoch, TimeSpan duration, DateTimeOffset now, CancellationToken ct = default) =>
        Inner.RenewLeaseAsync(nodeId, epoch, duration, now, ct);
    public Task<LeaseState> ReadLeaseAsync(CancellationToken ct = default) => Inner.ReadLeaseAsync(ct);
    public Task<bool> ReleaseLeaseAsync(string nodeId, long epoch, CancellationToken ct = default) => Inner.ReleaseLeaseAsync(nodeId, epoch, ct);
    public Task<IReadOnlyList<LeaderEpoch>> ListLeaderEpochsAsync(CancellationToken ct = default) => Inner.ListLeaderEpochsAsync(ct);
    public Task<IReadOnlyDictionary<string, ulong>> GetHighWaterMarksAsync(CancellationToken ct = default) => Inner.GetHighWaterMarksAsync(ct);
    public Task<ulong> GetHighWaterMarkAsync(string hostId, CancellationToken ct = default) => Inner.GetHighWaterMarkAsync(hostId, ct);
    public Task<IReadOnlyList<AlertRecord>> ListAlertsAsync(AlertQuery query, CancellationToken ct = default) => Inner.ListAlertsAsync(query, ct);
    public Task<IReadOnlyList<HostRecord>> ListHostsAsync(CancellationToken ct = default) => Inner.ListHostsAsync(ct);
    public Task<int> PruneAlertsAsync(DateTimeOffset olderThan, WriteFence fence, CancellationToken ct = default) => Inner.PruneAlertsAsync(olderThan, fence, ct);
    public Task<long> UpsertIncidentAsync(IncidentRecord incident, WriteFence fence, CancellationToken ct = default) => Inner.UpsertIncidentAsync(incident, fence, ct);
    public Task<IReadOnlyList<IncidentRecord>> ListIncidentsAsync(bool openOnly, CancellationToken ct = default) => Inner.ListIncidentsAsync(openOnly, ct);
    public Task<IncidentRecord?> GetIncidentAsync(string id, CancellationToken ct = default) => Inner.GetIncidentAsync(id, ct);
    public Task<long> AppendAuditAsync(AuditRecord record, WriteFence? fence, CancellationToken ct = default) => Inner.AppendAuditAsync(record, fence, ct);
    public Task<IReadOnlyList<AuditEntry>> ListAuditAsync(DateTimeOffset? since, int limit, CancellationToken ct = default) => Inner.ListAuditAsync(since, limit, ct);
    public Task UpsertThresholdSettingsAsync(ThresholdSettingsRecord settings, WriteFence fence, CancellationToken ct = default) =>
        Inner.UpsertThresholdSettingsAsync(settings, fence, ct);
    public Task<IReadOnlyList<ThresholdSettingsRecord>> ListThresholdSettingsAsync(CancellationToken ct = default) => Inner.ListThresholdSettingsAsync(ct);
    public Task RecordThresholdsAppliedAsync(ThresholdsAppliedRecord applied, WriteFence fence, CancellationToken ct = default) =>
        Inner.RecordThresholdsAppliedAsync(applied, fence, ct);
    public Task<IReadOnlyList<ThresholdsAppliedRecord>> ListThresholdsAppliedAsync(CancellationToken ct = default) => Inner.ListThresholdsAppliedAsync(ct);
    public Task UpsertMemberAsync(string nodeId, string endpoint, DateTimeOffset heartbeatAt, CancellationToken ct = default) =>
        Inner.UpsertMemberAsync(nodeId, endpoint, heartbeatAt, ct);
    public Task<IReadOnlyList<MemberRecord>> ListMembersAsync(CancellationToken ct = default) => Inner.ListMembersAsync(ct);
    public ValueTask DisposeAsync() => Inner.DisposeAsync();
}

/// <summary>
/// Counts appends and their sizes, and can hold an append at a gate (so a test knows the writer loop is
/// busy, without sleeping) or fail one.
/// </summary>
internal sealed class ScriptedStore(IMonitorStore inner) : DelegatingMonitorStore(inner)
{
    private readonly Lock _lock = new();
    private readonly Queue<Hold> _holds = new();
    private readonly List<int> _batchSizes = [];
    private Exception? _failNext;

    public int AppendCalls { get { lock (_lock) return _batchSizes.Count; } }

    public IReadOnlyList<int> BatchSizes { get { lock (_lock) return [.. _batchSizes]; } }

    /// <summary>The next append (not one already running) waits at this gate until released.</summary>
    public Hold HoldNextAppend()
    {
        var hold = new Hold();
        lock (_lock) _holds.Enqueue(hold);
        return hold;
    }

    /// <summary>The next append to start throws <paramref name="error"/> (after any hold) without reaching the inner store.</summary>
    public void FailNextAppend(Exception error)
    {
        lock (_lock) _failNext = error;
    }

    public override async Task<IReadOnlyList<AppendOutcome>> AppendAsync(IReadOnlyList<StoredMessage> batch, WriteFence fence, CancellationToken ct = default)
    {
        Hold? hold;
        Exception? fail;
        lock (_lock)
        {
            _batchSizes.Add(batch.Count);
            _holds.TryDequeue(out hold);
            fail = _failNext;
            _failNext = null;
        }

        if (hold is not null)
        {
            hold.SignalEntered();
            await hold.Released.ConfigureAwait(false);
        }

        if (fail is not null) throw fail;
        return await base.AppendAsync(batch, fence, ct).ConfigureAwait(false);
    }

    internal sealed class Hold
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes when an append has reached the gate.</summary>
        public Task Entered => _entered.Task;

        public Task Released => _released.Task;

        public void SignalEntered() => _entered.TrySetResult();

        public void Release() => _released.TrySetResult();
    }
}
