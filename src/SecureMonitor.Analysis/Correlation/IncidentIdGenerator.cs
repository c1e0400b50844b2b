using System.Globalization;

namespace SecureMonitor.Analysis.Correlation;

/// <summary>
/// Deterministic ids that sort by opening time as plain strings: <c>INC-{UTC ticks, 19 digits}-{n, 3 digits}</c>,
/// where n tells apart incidents opened at the same tick (only possible after a restore).
/// </summary>
internal sealed class IncidentIdGenerator
{
    private long _lastTicks = long.MinValue;
    private int _sameTickCount;

    public string Next(DateTimeOffset openedAt)
    {
        long ticks = openedAt.UtcTicks;
        if (ticks == _lastTicks)
        {
            _sameTickCount++;
        }
        else if (ticks > _lastTicks)
        {
            _lastTicks = ticks;
            _sameTickCount = 0;
        }
        else
        {
            // Opening times never go backwards in one correlator; if a restore left a later id behind, stay after it.
            ticks = _lastTicks;
            _sameTickCount++;
        }

        return string.Create(CultureInfo.InvariantCulture, $"INC-{ticks:D19}-{_sameTickCount:D3}");
    }

    /// <summary>Continues after incidents a previous leader opened, so new ids sort after theirs.</summary>
    public void ContinueAfter(IEnumerable<Incident> known)
    {
        foreach (Incident incident in known)
        {
            long ticks = incident.OpenedAt.UtcTicks;
            if (ticks > _lastTicks)
            {
                _lastTicks = ticks;
                _sameTickCount = 0;
            }
            else if (ticks == _lastTicks)
            {
                _sameTickCount++;
            }
        }
    }
}
