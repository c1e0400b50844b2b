using System.Collections.Concurrent;

namespace SecureMonitor.Monitor.Security;

/// <summary>
/// Per-host token buckets: each host may have <c>ratePerSecond</c> envelopes verified per second
/// (bursts up to one second's worth). A host over its rate is slowed, not refused: its connection
/// waits before the next envelope is read, so TCP flow control pushes back on that watcher alone
/// and one noisy or hostile host cannot starve the others. Alerts are therefore delayed, never lost;
/// heartbeats of a host over its rate are shed (acknowledged and counted, not stored).
/// </summary>
public sealed class HostRateLimiter(double ratePerSecond, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    /// <summary>How long the host must wait before its next envelope (zero: go ahead). Takes a
    /// token when it returns zero.</summary>
    public TimeSpan Acquire(string hostId)
    {
        var bucket = _buckets.GetOrAdd(hostId, _ => new Bucket(ratePerSecond, time.GetTimestamp()));
        lock (bucket)
        {
            var now = time.GetTimestamp();
            var elapsed = time.GetElapsedTime(bucket.LastRefill, now).TotalSeconds;
            bucket.Tokens = Math.Min(ratePerSecond, bucket.Tokens + elapsed * ratePerSecond);
            bucket.LastRefill = now;
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens -= 1;
                return TimeSpan.Zero;
            }
            return TimeSpan.FromSeconds((1 - bucket.Tokens) / ratePerSecond);
        }
    }

    private sealed class Bucket(double tokens, long lastRefill)
    {
        public double Tokens = tokens;
        public long LastRefill = lastRefill;
    }
}
