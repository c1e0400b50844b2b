using static SecureMonitor.Storage.StoredValues;

namespace SecureMonitor.Storage.Sqlite;

public sealed partial class SqliteMonitorStore
{
    public Task UpsertThresholdSettingsAsync(ThresholdSettingsRecord settings, WriteFence fence, CancellationToken ct = default)
    {
        StoreArguments.ValidateThresholdSettings(settings);
        return WriteAsync(fence, (c, tx) => Execute(c, tx, """
            INSERT INTO threshold_settings (scope, revision, settings, updated_by, updated_at, written_epoch)
            VALUES ($scope, $revision, $settings, $by, $at, $epoch)
            ON CONFLICT (scope) DO UPDATE SET revision = excluded.revision, settings = excluded.settings,
                updated_by = excluded.updated_by, updated_at = excluded.updated_at, written_epoch = excluded.written_epoch
            """,
            ("$scope", settings.Scope), ("$revision", settings.Revision), ("$settings", ToJson(settings.Settings)),
            ("$by", settings.UpdatedBy), ("$at", ToMicros(settings.UpdatedAt)), ("$epoch", fence.Epoch)), ct);
    }

    public Task<IReadOnlyList<ThresholdSettingsRecord>> ListThresholdSettingsAsync(CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<ThresholdSettingsRecord>>(c =>
        {
            using var cmd = Command(c, null, "SELECT scope, revision, settings, updated_by, updated_at FROM threshold_settings ORDER BY scope");
            using var r = cmd.ExecuteReader();
            var list = new List<ThresholdSettingsRecord>();
            while (r.Read())
            {
                list.Add(new ThresholdSettingsRecord(r.GetString(0), r.GetInt64(1), ParseStrings(r.GetString(2), "threshold settings"),
                    r.GetString(3), FromMicros(r.GetInt64(4))));
            }
            return list;
        }, ct);

    public Task RecordThresholdsAppliedAsync(ThresholdsAppliedRecord applied, WriteFence fence, CancellationToken ct = default)
    {
        StoreArguments.ValidateThresholdsApplied(applied);
        return WriteAsync(fence, (c, tx) => Execute(c, tx, """
            INSERT INTO thresholds_applied (host_id, revision, applied_at, written_epoch) VALUES ($host, $revision, $at, $epoch)
            ON CONFLICT (host_id) DO UPDATE SET revision = excluded.revision, applied_at = excluded.applied_at,
                written_epoch = excluded.written_epoch
            WHERE excluded.revision > thresholds_applied.revision
            """,
            ("$host", applied.HostId), ("$revision", applied.Revision), ("$at", ToMicros(applied.AppliedAt)), ("$epoch", fence.Epoch)), ct);
    }

    public Task<IReadOnlyList<ThresholdsAppliedRecord>> ListThresholdsAppliedAsync(CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<ThresholdsAppliedRecord>>(c =>
        {
            using var cmd = Command(c, null, "SELECT host_id, revision, applied_at FROM thresholds_applied ORDER BY host_id");
            using var r = cmd.ExecuteReader();
            var list = new List<ThresholdsAppliedRecord>();
            while (r.Read()) list.Add(new ThresholdsAppliedRecord(r.GetString(0), r.GetInt64(1), FromMicros(r.GetInt64(2))));
            return list;
        }, ct);
}
