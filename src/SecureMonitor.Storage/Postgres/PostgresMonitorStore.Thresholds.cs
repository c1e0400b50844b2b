namespace SecureMonitor.Storage.Postgres;

public sealed partial class PostgresMonitorStore
{
    public Task UpsertThresholdSettingsAsync(ThresholdSettingsRecord settings, WriteFence fence, CancellationToken ct = default)
    {
        StoreArguments.ValidateThresholdSettings(settings);
        return WriteAsync(fence, async (c, tx, ct) => await ExecuteAsync(c, tx, """
            INSERT INTO threshold_settings (scope, revision, settings, updated_by, updated_at, written_epoch)
            VALUES (@scope, @revision, @settings, @by, @at, @epoch)
            ON CONFLICT (scope) DO UPDATE SET revision = excluded.revision, settings = excluded.settings,
                updated_by = excluded.updated_by, updated_at = excluded.updated_at, written_epoch = excluded.written_epoch
            """, ct,
            ("scope", settings.Scope), ("revision", settings.Revision), ("settings", settings.Settings.ToArray()),
            ("by", settings.UpdatedBy), ("at", Utc(settings.UpdatedAt)), ("epoch", fence.Epoch)).ConfigureAwait(false), ct);
    }

    public async Task<IReadOnlyList<ThresholdSettingsRecord>> ListThresholdSettingsAsync(CancellationToken ct = default) =>
        await QueryAsync("""SELECT scope, revision, settings, updated_by, updated_at FROM threshold_settings ORDER BY scope COLLATE "C" """,
            r => new ThresholdSettingsRecord(r.GetString(0), r.GetInt64(1), r.GetFieldValue<string[]>(2), r.GetString(3), ReadTime(r, 4)),
            ct).ConfigureAwait(false);

    public Task RecordThresholdsAppliedAsync(ThresholdsAppliedRecord applied, WriteFence fence, CancellationToken ct = default)
    {
        StoreArguments.ValidateThresholdsApplied(applied);
        return WriteAsync(fence, async (c, tx, ct) => await ExecuteAsync(c, tx, """
            INSERT INTO thresholds_applied (host_id, revision, applied_at, written_epoch) VALUES (@host, @revision, @at, @epoch)
            ON CONFLICT (host_id) DO UPDATE SET revision = excluded.revision, applied_at = excluded.applied_at,
                written_epoch = excluded.written_epoch
            WHERE excluded.revision > thresholds_applied.revision
            """, ct,
            ("host", applied.HostId), ("revision", applied.Revision), ("at", Utc(applied.AppliedAt)), ("epoch", fence.Epoch)).ConfigureAwait(false), ct);
    }

    public async Task<IReadOnlyList<ThresholdsAppliedRecord>> ListThresholdsAppliedAsync(CancellationToken ct = default) =>
        await QueryAsync("""SELECT host_id, revision, applied_at FROM thresholds_applied ORDER BY host_id COLLATE "C" """,
            r => new ThresholdsAppliedRecord(r.GetString(0), r.GetInt64(1), ReadTime(r, 2)), ct).ConfigureAwait(false);
}
