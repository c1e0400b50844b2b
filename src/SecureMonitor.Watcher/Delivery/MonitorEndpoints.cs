using SecureMonitor.Transport;

namespace SecureMonitor.Watcher.Delivery;

/// <summary>
/// Which monitor to dial next: the configured endpoints in turn, except that a follower's
/// "not leader; try X" answer puts X first for the next attempt.
/// </summary>
public sealed class MonitorEndpoints
{
    private readonly IReadOnlyList<MonitorEndpoint> _configured;
    private readonly Queue<MonitorEndpoint> _hinted = new();
    private int _next;

    public MonitorEndpoints(IReadOnlyList<MonitorEndpoint> configured)
    {
        if (configured.Count == 0)
        {
            throw new ArgumentException("At least one monitor endpoint is required.", nameof(configured));
        }
        _configured = configured;
    }

    public MonitorEndpoint Next()
    {
        if (_hinted.TryDequeue(out var hinted))
        {
            return hinted;
        }
        var endpoint = _configured[_next];
        _next = (_next + 1) % _configured.Count;
        return endpoint;
    }

    /// <summary>Endpoints named by a follower; unparseable ones are ignored (a follower is trusted
    /// only as far as its certificate: the leader must still present a monitor certificate).</summary>
    public void Prefer(IEnumerable<string> endpoints)
    {
        _hinted.Clear();
        foreach (var text in endpoints.Take(8))
        {
            if (MonitorEndpoint.TryParse(text, out var endpoint, out _))
            {
                _hinted.Enqueue(endpoint);
            }
        }
    }
}
