using System.Collections.Immutable;

namespace SecureMonitor.Analysis.Correlation;

/// <summary>
/// The incident being built: its latest immutable snapshot plus an index from host+metric to evidence item,
/// with the sequence number of the last alert absorbed for each, so no alert is counted twice.
/// </summary>
internal sealed class OpenIncident
{
    private readonly int _maxEvidence;
    private readonly Dictionary<EvidenceKey, (int Index, long LastSequence)> _evidenceIndex = [];

    public OpenIncident(Incident incident, int maxEvidence, long alreadySeenUpTo)
    {
        Current = incident;
        _maxEvidence = maxEvidence;
        for (int i = 0; i < incident.Evidence.Count; i++)
        {
            _evidenceIndex[incident.Evidence[i].Key] = (i, alreadySeenUpTo);
        }
    }

    public Incident Current { get; private set; }

    public static OpenIncident Start(string id, DateTimeOffset openedAt, int maxEvidence) => new(
        new Incident(id, IncidentReasons.None, IncidentState.Open, openedAt, openedAt, null,
            ImmutableSortedSet.Create<string>(StringComparer.Ordinal), ImmutableSortedSet.Create<string>(StringComparer.Ordinal),
            [], 0, 0, null),
        maxEvidence,
        alreadySeenUpTo: 0);

    public void AddReasons(IncidentReasons reasons, IncidentGrowth growth)
    {
        IncidentReasons added = reasons & ~Current.Reasons;
        if (added != IncidentReasons.None)
        {
            growth.NewReasons |= added;
            Current = Current with { Reasons = Current.Reasons | added };
        }
    }

    /// <summary>Absorbs the alert unless this incident already has it; <paramref name="clock"/> becomes the last evidence time.</summary>
    public void Absorb(SequencedAlert entry, DateTimeOffset clock, IncidentGrowth growth)
    {
        ObservedAlert alert = entry.Alert;
        var key = new EvidenceKey(alert.HostId, alert.Metric);
        Incident incident = Current with
        {
            LastEvidenceAt = clock > Current.LastEvidenceAt ? clock : Current.LastEvidenceAt,
            AlertCount = Current.AlertCount + 1,
        };

        if (_evidenceIndex.TryGetValue(key, out (int Index, long LastSequence) known))
        {
            if (entry.Sequence <= known.LastSequence)
            {
                return;
            }

            _evidenceIndex[key] = (known.Index, entry.Sequence);
            incident = incident with { Evidence = incident.Evidence.SetItem(known.Index, incident.Evidence[known.Index].With(alert)) };
        }
        else if (incident.Evidence.Count < _maxEvidence)
        {
            _evidenceIndex[key] = (incident.Evidence.Count, entry.Sequence);
            incident = incident with { Evidence = incident.Evidence.Add(Evidence.From(alert)) };
            if (!incident.Hosts.Contains(alert.HostId))
            {
                growth.NewHosts.Add(alert.HostId);
                incident = incident with { Hosts = incident.Hosts.Add(alert.HostId) };
            }

            if (!incident.Metrics.Contains(alert.Metric))
            {
                growth.NewMetrics.Add(alert.Metric);
                incident = incident with { Metrics = incident.Metrics.Add(alert.Metric) };
            }
        }
        else
        {
            // No room for another host+metric: the alert still counts, so operators see the true scale.
            incident = incident with { UnrecordedAlerts = incident.UnrecordedAlerts + 1 };
        }

        Current = incident;
    }

    public void Acknowledge(Acknowledgement acknowledgement) =>
        Current = Current with { State = IncidentState.Acknowledged, Acknowledgement = acknowledgement };

    public Incident Resolve(DateTimeOffset resolvedAt) =>
        Current = Current with { State = IncidentState.Resolved, ResolvedAt = resolvedAt };
}
