using System.Net;
using SecureMonitor.Protocol;
using SecureMonitor.Transport.Listening;

namespace SecureMonitor.Benchmarks.Transport;

/// <summary>Remembers refused connections so a benchmark fails loudly rather than timing refusals.</summary>
internal sealed class CountingRejectionSink : IConnectionRejectionSink
{
    private long _count;
    private volatile string? _last;

    public void Reject(string? hostId, RejectionReason reason, string detail, EndPoint? remote)
    {
        _last = $"{hostId ?? "-"} {reason}: {detail}";
        Interlocked.Increment(ref _count);
    }

    public void ThrowIfAny()
    {
        var count = Interlocked.Read(ref _count);
        if (count > 0)
        {
            throw new InvalidOperationException($"The listener refused {count} connection(s); last: {_last}");
        }
    }
}
