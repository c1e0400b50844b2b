using System.Collections.Concurrent;
using SecureMonitor.Protocol;

namespace SecureMonitor.Monitor.Security;

/// <summary>
/// Raises "tampering suspected" when one authenticated host produces repeated integrity failures
/// (envelopes that fail authentication, claim another host, or use unknown keys) within a window.
/// A host that merely resends (replay of an envelope already processed) is not suspected: watchers
/// legitimately resend after a lost acknowledgement. One alert per host per window.
/// </summary>
public sealed class TamperDetector(int threshold, TimeSpan window, TimeProvider time, ISecurityAlertSink alerts)
{
    private readonly ConcurrentDictionary<string, HostFailures> _hosts = new(StringComparer.Ordinal);

    public static bool IsIntegrityFailure(RejectionReason reason) => reason is
        RejectionReason.BadTag or RejectionReason.BadHmac or RejectionReason.HostMismatch or
        RejectionReason.UnknownKeyId or RejectionReason.KeyExpired or RejectionReason.Malformed or
        RejectionReason.UnknownVersion or RejectionReason.Oversized;

    public void Observe(string hostId, RejectionReason reason)
    {
        if (!IsIntegrityFailure(reason))
        {
            return;
        }

        var now = time.GetUtcNow();
        var failures = _hosts.GetOrAdd(hostId, static _ => new HostFailures());
        TamperingSuspected? raise = null;
        lock (failures)
        {
            while (failures.Times.Count > 0 && now - failures.Times.Peek() > window)
            {
                failures.Times.Dequeue();
            }
            failures.Times.Enqueue(now);
            failures.Reasons[reason] = failures.Reasons.GetValueOrDefault(reason) + 1;
            var quietSinceLastAlert = failures.LastAlertAt is not { } last || now - last > window;
            if (failures.Times.Count >= threshold && quietSinceLastAlert)
            {
                failures.LastAlertAt = now;
                raise = new TamperingSuspected(hostId, failures.Times.Count, window, now,
                    failures.Reasons.ToDictionary(entry => entry.Key, entry => entry.Value));
                failures.Reasons.Clear();
            }
            // Bound memory: a host can never hold more than `threshold` timestamps.
            while (failures.Times.Count > threshold)
            {
                failures.Times.Dequeue();
            }
        }

        if (raise is not null)
        {
            alerts.TamperingSuspected(raise);
        }
    }

    private sealed class HostFailures
    {
        public readonly Queue<DateTimeOffset> Times = new();
        public readonly Dictionary<RejectionReason, int> Reasons = [];
        public DateTimeOffset? LastAlertAt;
    }
}

/// <summary>A host whose messages repeatedly failed integrity checks.</summary>
public sealed record TamperingSuspected(string HostId, int Failures, TimeSpan Window, DateTimeOffset At,
    IReadOnlyDictionary<RejectionReason, int> Reasons);

/// <summary>Where security alerts raised by the monitor itself go (log now; the store and incident
/// pipeline subscribe in the monitor node).</summary>
public interface ISecurityAlertSink
{
    void TamperingSuspected(TamperingSuspected alert);
}
