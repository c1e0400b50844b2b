using SecureMonitor.Storage;

namespace SecureMonitor.TestKit.Storage;

/// <summary>Forwards every member to an inner store; tests override what they observe or script.</summary>
public class DelegatingMonitorStore(IMonitorStore inner) : IMonitorStore
{
    protected IMonitorStore Inner { get; } = inner;

    public virtual Task<IReadOnlyList<AppendOutcome>> AppendAsync(IReadOnlyList<StoredMessage> batch, WriteFence fence, CancellationToken ct = default) =>
        Inner.AppendAsync(batch, fence, ct);

    public Task<MigrationResult> MigrateAsync(CancellationToken ct = default) => Inner.MigrateAsync(ct);
    public Task<int> GetSchemaVersionAsync(CancellationToken ct = default) => Inner.GetSchemaVersionAsync(ct);
    public virtual Task<LeaseGrant?> TryAcquireLeaseAsync(string nodeId, string endpoint, TimeSpan duration, DateTimeOffset now, CancellationToken ct = default) =>
        Inner.TryAcquireLeaseAsync(nodeId, endpoint, duration, now, ct);
    public virtual Task<bool> RenewLeaseAsync(string nodeId, long epoch, TimeSpan duration, DateTimeOffset now, CancellationToken ct = default) =>
        Inner.RenewLeaseAsync(nodeId, epoch, duration, now, ct);
    public Task<LeaseState> ReadLeaseAsync(CancellationToken ct = default) => Inner.ReadLeaseAsync(ct);
    public Task<bool> ReleaseLeaseAsync(string nodeId, long epoch, CancellationToken ct = default) => Inner.ReleaseLeaseAsync(nodeId, epoch, ct);
    public Task<IReadOnlyList<LeaderEpoch>> ListLeaderEpochsAsync(CancellationToken ct = default) => Inner.ListLeaderEpochsAsync(ct);
    public Task<IReadOnlyDictionary<string, ulong>> GetHighWaterMarksAsync(CancellationToken ct = default) => Inner.GetHighWaterMarksAsync(ct);
    public Task<ulong> GetHighWaterMarkAsync(string hostId, CancellationToken ct = default) => Inner.GetHighWaterMarkAsync(hostId, ct);
    public Task<IReadOnlyList<AlertRecord>> ListAlertsAsync(AlertQuery query, CancellationToken ct = default) => Inner.ListAlertsAsync(query, ct);
    public Task<IReadOnlyList<HostRecord>> ListHostsAsync(CancellationToken ct = default) => Inner.ListHostsAsync(ct);
    public Task<int> PruneAlertsAsync(DateTimeOffset olderThan, WriteFence fence, CancellationToken ct = default) => Inner.PruneAlertsAsync(olderThan, fence, ct);
    public virtual Task AppendRaisedAlertAsync(RaisedAlert alert, WriteFence fence, CancellationToken ct = default) => Inner.AppendRaisedAlertAsync(alert, fence, ct);
    public Task AddRejectionCountsAsync(IReadOnlyList<RejectionTally> increments, DateTimeOffset at, CancellationToken ct = default) =>
        Inner.AddRejectionCountsAsync(increments, at, ct);
    public Task<IReadOnlyList<RejectionTally>> ListRejectionCountsAsync(CancellationToken ct = default) => Inner.ListRejectionCountsAsync(ct);
    public virtual Task<long> UpsertIncidentAsync(IncidentRecord incident, WriteFence fence, CancellationToken ct = default) => Inner.UpsertIncidentAsync(incident, fence, ct);
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
    public ValueTask DisposeAsync() => Inner.DisposeAsync();
}
