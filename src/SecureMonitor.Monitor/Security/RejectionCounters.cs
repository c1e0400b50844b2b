using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using SecureMonitor.Protocol;
using SecureMonitor.Storage;
using SecureMonitor.Transport.Listening;

namespace SecureMonitor.Monitor.Security;

/// <summary>
/// Counts every refused connection and message per host and reason, logs the first of a burst at
/// once and the rest as one summary line per burst window (an attacker must not be able to flood the
/// log), and feeds integrity failures to the <see cref="TamperDetector"/>. Never logs secrets: the
/// detail strings come from validators and decoders that do not see key material.
/// Totals survive restarts: <see cref="RejectionCountsSaver"/> adds what was counted to the store's totals and
/// restores them at start (<see cref="Restore"/>).
/// Also counts, per host, the heartbeats shed under overload (<see cref="Shed"/>): not refusals (they
/// are acknowledged), but messages the node chose not to process, which operators must see too.
/// </summary>
public sealed partial class RejectionCounters : IConnectionRejectionSink
{
    /// <summary>Host column for peers that never proved an identity (failed handshakes).</summary>
    public const string Unauthenticated = "-";

    private readonly ConcurrentDictionary<(string Host, RejectionReason Reason), Counter> _counters = new();
    private readonly ConcurrentDictionary<string, Counter> _shed = new(StringComparer.Ordinal);
    private readonly TamperDetector _tamper;
    private readonly TimeProvider _time;
    private readonly TimeSpan _burstWindow;
    private readonly ILogger _log;

    public RejectionCounters(TamperDetector tamper, TimeProvider time, ILogger<RejectionCounters> log, TimeSpan? burstWindow = null)
    {
        _tamper = tamper;
        _time = time;
        _log = log;
        _burstWindow = burstWindow ?? TimeSpan.FromSeconds(10);
    }

    public void Reject(string? hostId, RejectionReason reason, string detail, EndPoint? remote)
    {
        var host = hostId ?? Unauthenticated;
        var counter = _counters.GetOrAdd((host, reason), static _ => new Counter());
        var suppressed = Count(counter);
        Interlocked.Increment(ref counter.Unsaved);
        if (suppressed >= 0)
        {
            LogRejected(_log, host, reason.ToMetricName(), detail, remote?.ToString() ?? "?", suppressed);
        }

        // Without a proven host, the peer's address (not its port, which changes per connection) is the subject.
        if ((hostId ?? PeerAddress(remote)) is { } subject)
        {
            _tamper.Observe(subject, reason);
        }
    }

    private static string? PeerAddress(EndPoint? remote) => remote switch
    {
        IPEndPoint ip => ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4().ToString() : ip.Address.ToString(),
        null => null,
        var other => other.ToString(),
    };

    /// <summary>Counts a verified heartbeat of <paramref name="hostId"/> shed under overload.</summary>
    public void Shed(string hostId, ShedCause cause)
    {
        var suppressed = Count(_shed.GetOrAdd(hostId, static _ => new Counter()));
        if (suppressed >= 0)
        {
            LogShed(_log, hostId, cause == ShedCause.HostOverRate ? "the host is over its rate" : "the store's queue is backed up", suppressed);
        }
    }

    /// <summary>Heartbeats of one host shed since start.</summary>
    public long ShedCount(string hostId) => _shed.TryGetValue(hostId, out var counter) ? Interlocked.Read(ref counter.Total) : 0;

    /// <summary>Heartbeats shed per host since start, by host.</summary>
    public IReadOnlyList<(string Host, long Count)> ShedSnapshot() =>
        [.. _shed.Select(entry => (entry.Key, Interlocked.Read(ref entry.Value.Total))).OrderBy(count => count.Key, StringComparer.Ordinal)];

    /// <summary>Counts one event; returns how many were not logged in the previous burst when this one
    /// starts a new burst (so it is logged), or -1 while a burst lasts.</summary>
    private long Count(Counter counter)
    {
        var now = _time.GetUtcNow();
        lock (counter)
        {
            counter.Total++;
            if (counter.BurstStartedAt is { } started && now - started < _burstWindow)
            {
                counter.SuppressedInBurst++;
                return -1;
            }
            var suppressed = counter.SuppressedInBurst;
            counter.BurstStartedAt = now;
            counter.SuppressedInBurst = 0;
            return suppressed;
        }
    }

    /// <summary>Total refusals for one host and reason, the stored totals of earlier runs included.</summary>
    public long Count(string? hostId, RejectionReason reason) =>
        _counters.TryGetValue((hostId ?? Unauthenticated, reason), out var counter) ? Interlocked.Read(ref counter.Total) : 0;

    /// <summary>All counts, for status queries and metrics.</summary>
    public IReadOnlyList<RejectionCount> Snapshot() =>
        [.. _counters.Select(entry => new RejectionCount(entry.Key.Host, entry.Key.Reason, Interlocked.Read(ref entry.Value.Total)))
                     .OrderBy(count => count.Host, StringComparer.Ordinal).ThenBy(count => count.Reason)];

    /// <summary>Adds the totals stored by earlier runs (and other nodes) to the counts, at start. Reasons this
    /// build does not know are left out.</summary>
    public void Restore(IEnumerable<RejectionTally> stored)
    {
        foreach (var tally in stored)
        {
            if (ReasonsByName.TryGetValue(tally.Reason, out var reason))
            {
                var counter = _counters.GetOrAdd((tally.Subject, reason), static _ => new Counter());
                lock (counter)
                {
                    counter.Total += tally.Count;
                }
            }
        }
    }

    /// <summary>The refusals counted since the last call, to add to the store's totals; give them back with
    /// <see cref="ReturnUnsaved"/> if they could not be stored.</summary>
    public IReadOnlyList<RejectionTally> TakeUnsaved() =>
        [.. _counters.Select(entry => new RejectionTally(entry.Key.Host, entry.Key.Reason.ToMetricName(), Interlocked.Exchange(ref entry.Value.Unsaved, 0)))
                     .Where(tally => tally.Count > 0)];

    /// <summary>Increments <see cref="TakeUnsaved"/> handed out that the store did not take.</summary>
    public void ReturnUnsaved(IEnumerable<RejectionTally> unsaved)
    {
        foreach (var tally in unsaved)
        {
            if (ReasonsByName.TryGetValue(tally.Reason, out var reason) && _counters.TryGetValue((tally.Subject, reason), out var counter))
            {
                Interlocked.Add(ref counter.Unsaved, tally.Count);
            }
        }
    }

    private static readonly IReadOnlyDictionary<string, RejectionReason> ReasonsByName =
        Enum.GetValues<RejectionReason>().ToDictionary(reason => reason.ToMetricName(), StringComparer.Ordinal);

    private sealed class Counter
    {
        public long Total;
        /// <summary>Counted since the last save to the store.</summary>
        public long Unsaved;
        public DateTimeOffset? BurstStartedAt;
        public long SuppressedInBurst;
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Rejected {Host} reason={Reason}: {Detail} (from {Remote}; {Suppressed} more of this kind in the previous burst)")]
    private static partial void LogRejected(ILogger log, string host, string reason, string detail, string remote, long suppressed);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Shedding heartbeats of {Host}: {Cause}; acknowledged, not stored ({Suppressed} more shed in the previous burst)")]
    private static partial void LogShed(ILogger log, string host, string cause, long suppressed);
}

/// <summary>Why a heartbeat was shed.</summary>
public enum ShedCause
{
    /// <summary>The store's group-commit queue is backed up; its room is kept for alerts.</summary>
    StoreBacklog,

    /// <summary>The host sends faster than its per-host rate.</summary>
    HostOverRate,
}

/// <summary>One row of <see cref="RejectionCounters.Snapshot"/>.</summary>
public sealed record RejectionCount(string Host, RejectionReason Reason, long Count);
