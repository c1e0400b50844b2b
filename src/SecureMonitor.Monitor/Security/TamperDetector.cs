using System.Collections.Concurrent;
using SecureMonitor.Protocol;

namespace SecureMonitor.Monitor.Security;

/// <summary>
/// Raises "tampering suspected" when one host (or, before any host is proven, one peer address) produces
/// repeated integrity failures (envelopes that fail authentication, claim another host, use unknown keys,
/// or replay an envelope already processed) within a window. Replays count: a watcher resumes after the
/// high-water mark the monitor gives it on connecting, so it resends an accepted envelope only when an
/// acknowledgement raced a lost connection, once or twice, not <c>threshold</c> times in a window.
/// One alert per subject per window.
/// </summary>
public sealed class TamperDetector(int threshold, TimeSpan window, TimeProvider time, ISecurityAlertSink alerts)
{
    private readonly ConcurrentDictionary<string, HostFailures> _hosts = new(StringComparer.Ordinal);

    public static bool IsIntegrityFailure(RejectionReason reason) => reason is
        RejectionReason.BadTag or RejectionReason.BadHmac or RejectionReason.HostMismatch or
        RejectionReason.UnknownKeyId or RejectionReason.KeyExpired or RejectionReason.Malformed or
        RejectionReason.UnknownVersion or RejectionReason.Oversized or RejectionReason.Replay;

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

/// <summary>A host whose messages repeatedly failed integrity checks; <see cref="HostId"/> is the peer's
/// address when no host was proven.</summary>
public sealed record TamperingSuspected(string HostId, int Failures, TimeSpan Window, DateTimeOffset At,
    IReadOnlyDictionary<RejectionReason, int> Reasons);

/// <summary>Where security alerts raised by the monitor itself go: the log (<see cref="LoggingSecurityAlertSink"/>)
/// and the store and incident pipeline (<see cref="SingletonSecurityAlertSink"/>).</summary>
public interface ISecurityAlertSink
{
    void TamperingSuspected(TamperingSuspected alert);
}
