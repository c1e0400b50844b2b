using SecureMonitor.Storage;
using SecureMonitor.TestKit.Storage;

namespace SecureMonitor.Monitor.Tests.Actors;

/// <summary>
/// A store whose next incident write can be held at a gate (as a slow disk would hold it), so a test
/// knows the incidents actor is busy while more alerts queue up; it counts incident writes.
/// </summary>
internal sealed class GatedIncidentStore(IMonitorStore inner) : DelegatingMonitorStore(inner)
{
    private ScriptedStore.Hold? _next;
    private int _upserts;

    /// <summary>Incident writes so far.</summary>
    public int Upserts => Volatile.Read(ref _upserts);

    /// <summary>The next incident write waits at the returned gate until it is released.</summary>
    public ScriptedStore.Hold HoldNext() => _next = new ScriptedStore.Hold();

    public override async Task<long> UpsertIncidentAsync(IncidentRecord incident, WriteFence fence, CancellationToken ct = default)
    {
        Interlocked.Increment(ref _upserts);
        if (Interlocked.Exchange(ref _next, null) is { } hold)
        {
            hold.SignalEntered();
            await hold.Released;
        }
        return await Inner.UpsertIncidentAsync(incident, fence, ct);
    }
}
