using Microsoft.Data.Sqlite;
using static SecureMonitor.Storage.StoredValues;

namespace SecureMonitor.Storage.Sqlite;

public sealed partial class SqliteMonitorStore
{
    public Task<long> UpsertIncidentAsync(IncidentRecord incident, WriteFence fence, CancellationToken ct = default)
    {
        StoreArguments.ValidateIncident(incident);
        (string, object?)[] values =
        [
            ("$id", incident.Id),
            ("$state", ToText(incident.State)),
            ("$kinds", ToJson(incident.Kinds)),
            ("$opened", ToMicros(incident.OpenedAt)),
            ("$evidenceAt", ToMicros(incident.LastEvidenceAt)),
            ("$resolved", incident.ResolvedAt is { } r ? ToMicros(r) : null),
            ("$ackBy", incident.AcknowledgedBy),
            ("$ackAt", incident.AcknowledgedAt is { } a ? ToMicros(a) : null),
            ("$ackNote", incident.AcknowledgementNote),
            ("$hosts", ToJson(incident.Hosts)),
            ("$metrics", ToJson(incident.Metrics)),
            ("$evidence", ToJson(incident.Evidence)),
            ("$count", incident.AlertCount),
            ("$version", incident.Version + 1),
            ("$expected", incident.Version),
            ("$epoch", fence.Epoch),
        ];
        return WriteAsync(fence, (c, tx) =>
        {
            var stored = Scalar<long?>(c, tx, "SELECT version FROM incidents WHERE id = $id", ("$id", incident.Id));
            if (stored != (incident.Version == 0 ? null : incident.Version))
                throw new IncidentVersionConflictException(incident.Id, incident.Version, stored);

            Execute(c, tx, incident.Version == 0
                ? """
                  INSERT INTO incidents (id, state, kinds, opened_at, last_evidence_at, resolved_at, acknowledged_by, acknowledged_at,
                      acknowledgement_note, hosts, metrics, evidence, alert_count, version, written_epoch)
                  VALUES ($id, $state, $kinds, $opened, $evidenceAt, $resolved, $ackBy, $ackAt, $ackNote, $hosts, $metrics, $evidence,
                      $count, $version, $epoch)
                  """
                : """
                  UPDATE incidents SET state = $state, kinds = $kinds, opened_at = $opened, last_evidence_at = $evidenceAt,
                      resolved_at = $resolved, acknowledged_by = $ackBy, acknowledged_at = $ackAt, acknowledgement_note = $ackNote,
                      hosts = $hosts, metrics = $metrics, evidence = $evidence, alert_count = $count, version = $version,
                      written_epoch = $epoch
                  WHERE id = $id AND version = $expected
                  """, values);
            return incident.Version + 1;
        }, ct);
    }

    private const string IncidentColumns = """
        id, state, kinds, opened_at, last_evidence_at, resolved_at, acknowledged_by, acknowledged_at, acknowledgement_note,
        hosts, metrics, evidence, alert_count, version
        """;

    public Task<IReadOnlyList<IncidentRecord>> ListIncidentsAsync(bool openOnly, CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<IncidentRecord>>(c =>
        {
            using var cmd = Command(c, null, $"""
                SELECT {IncidentColumns} FROM incidents
                WHERE $all OR state <> 'resolved'
                ORDER BY opened_at DESC, id
                """, ("$all", !openOnly));
            using var r = cmd.ExecuteReader();
            var list = new List<IncidentRecord>();
            while (r.Read()) list.Add(ReadIncident(r));
            return list;
        }, ct);

    public Task<IncidentRecord?> GetIncidentAsync(string id, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return ReadAsync(c =>
        {
            using var cmd = Command(c, null, $"SELECT {IncidentColumns} FROM incidents WHERE id = $id", ("$id", id));
            using var r = cmd.ExecuteReader();
            return r.Read() ? ReadIncident(r) : null;
        }, ct);
    }

    private static IncidentRecord ReadIncident(SqliteDataReader r)
    {
        var id = r.GetString(0);
        return new IncidentRecord(
            id,
            ParseIncidentState(r.GetString(1)),
            ParseStrings(r.GetString(2), $"kinds of incident '{id}'"),
            FromMicros(r.GetInt64(3)),
            FromMicros(r.GetInt64(4)),
            r.IsDBNull(5) ? null : FromMicros(r.GetInt64(5)),
            r.IsDBNull(6) ? null : r.GetString(6),
            r.IsDBNull(7) ? null : FromMicros(r.GetInt64(7)),
            r.IsDBNull(8) ? null : r.GetString(8),
            ParseStrings(r.GetString(9), $"hosts of incident '{id}'"),
            ParseStrings(r.GetString(10), $"metrics of incident '{id}'"),
            ParseEvidence(r.GetString(11), $"evidence of incident '{id}'"),
            checked((int)r.GetInt64(12)),
            r.GetInt64(13));
    }
}
