using Npgsql;
using static SecureMonitor.Storage.StoredValues;

namespace SecureMonitor.Storage.Postgres;

public sealed partial class PostgresMonitorStore
{
    public Task<long> UpsertIncidentAsync(IncidentRecord incident, WriteFence fence, CancellationToken ct = default)
    {
        StoreArguments.ValidateIncident(incident);
        (string, object?)[] values =
        [
            ("id", incident.Id),
            ("state", ToText(incident.State)),
            ("kinds", ToJson(incident.Kinds)),
            ("opened", Utc(incident.OpenedAt)),
            ("evidenceAt", Utc(incident.LastEvidenceAt)),
            ("resolved", Utc(incident.ResolvedAt)),
            ("ackBy", incident.AcknowledgedBy),
            ("ackAt", Utc(incident.AcknowledgedAt)),
            ("ackNote", incident.AcknowledgementNote),
            ("hosts", ToJson(incident.Hosts)),
            ("metrics", ToJson(incident.Metrics)),
            ("evidence", ToJson(incident.Evidence)),
            ("count", incident.AlertCount),
            ("version", incident.Version + 1),
            ("expected", incident.Version),
            ("epoch", fence.Epoch),
        ];
        return WriteAsync(fence, async (c, tx, ct) =>
        {
            // Each a single statement, so the version check and the write are one atomic step even against
            // another node: a concurrent insert of the same id makes ON CONFLICT wait for it, then do nothing.
            var written = await ExecuteAsync(c, tx, incident.Version == 0
                ? """
                  INSERT INTO incidents (id, state, kinds, opened_at, last_evidence_at, resolved_at, acknowledged_by, acknowledged_at,
                      acknowledgement_note, hosts, metrics, evidence, alert_count, version, written_epoch)
                  VALUES (@id, @state, @kinds::jsonb, @opened, @evidenceAt, @resolved::timestamptz, @ackBy::text, @ackAt::timestamptz,
                      @ackNote::text, @hosts::jsonb, @metrics::jsonb, @evidence::jsonb, @count, @version, @epoch)
                  ON CONFLICT (id) DO NOTHING
                  """
                : """
                  UPDATE incidents SET state = @state, kinds = @kinds::jsonb, opened_at = @opened, last_evidence_at = @evidenceAt,
                      resolved_at = @resolved::timestamptz, acknowledged_by = @ackBy::text, acknowledged_at = @ackAt::timestamptz,
                      acknowledgement_note = @ackNote::text, hosts = @hosts::jsonb, metrics = @metrics::jsonb,
                      evidence = @evidence::jsonb, alert_count = @count, version = @version, written_epoch = @epoch
                  WHERE id = @id AND version = @expected
                  """, ct, values).ConfigureAwait(false);
            if (written == 1) return incident.Version + 1;

            var stored = await ScalarAsync<long?>(c, tx, "SELECT version FROM incidents WHERE id = @id", ct, ("id", incident.Id)).ConfigureAwait(false);
            throw new IncidentVersionConflictException(incident.Id, incident.Version, stored);
        }, ct);
    }

    private const string IncidentColumns = """
        id, state, kinds, opened_at, last_evidence_at, resolved_at, acknowledged_by, acknowledged_at, acknowledgement_note,
        hosts, metrics, evidence, alert_count, version
        """;

    public async Task<IReadOnlyList<IncidentRecord>> ListIncidentsAsync(bool openOnly, CancellationToken ct = default) =>
        await QueryAsync($"""
            SELECT {IncidentColumns} FROM incidents
            WHERE @all OR state <> 'resolved'
            ORDER BY opened_at DESC, id COLLATE "C"
            """, ReadIncident, ct, ("all", !openOnly)).ConfigureAwait(false);

    public async Task<IncidentRecord?> GetIncidentAsync(string id, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var found = await QueryAsync($"SELECT {IncidentColumns} FROM incidents WHERE id = @id", ReadIncident, ct, ("id", id)).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    private static IncidentRecord ReadIncident(NpgsqlDataReader r)
    {
        var id = r.GetString(0);
        return new IncidentRecord(
            id,
            ParseIncidentState(r.GetString(1)),
            ParseStrings(r.GetString(2), $"kinds of incident '{id}'"),
            ReadTime(r, 3),
            ReadTime(r, 4),
            ReadOptionalTime(r, 5),
            ReadOptionalString(r, 6),
            ReadOptionalTime(r, 7),
            ReadOptionalString(r, 8),
            ParseStrings(r.GetString(9), $"hosts of incident '{id}'"),
            ParseStrings(r.GetString(10), $"metrics of incident '{id}'"),
            ParseEvidence(r.GetString(11), $"evidence of incident '{id}'"),
            r.GetInt32(12),
            r.GetInt64(13));
    }
}
