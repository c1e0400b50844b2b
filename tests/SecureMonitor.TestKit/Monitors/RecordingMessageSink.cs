using System.Collections.Concurrent;
using SecureMonitor.Monitor.Verification;
using SecureMonitor.Protocol.Sealing;
using SecureMonitor.Protocol.Wire;

namespace SecureMonitor.TestKit.Monitors;

/// <summary>
/// Counts verified messages per host and keeps the most recent alerts (bounded), for tests and
/// benchmarks: a node reports what it stored through <see cref="Observe"/>, and the sink can also
/// stand in for the store behind an envelope verifier. Nothing here is durable.
/// </summary>
public sealed class RecordingMessageSink : IVerifiedMessageSink
{
    /// <summary>Alerts kept per host; older ones are forgotten.</summary>
    public const int RecentAlertsPerHost = 10_000;

    private readonly ConcurrentDictionary<string, HostTally> _hosts = new(StringComparer.Ordinal);

    public ValueTask<ulong> HighWaterMarkAsync(string hostId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_hosts.TryGetValue(hostId, out var tally) ? Volatile.Read(ref tally.HighWaterMark) : 0UL);

    public ValueTask<AcceptedMessage> AcceptAsync(OpenedEnvelope envelope, WatcherMessage message, CancellationToken cancellationToken)
    {
        Observe(envelope.HostId, envelope.Sequence, message);
        return ValueTask.FromResult(AcceptedMessage.Stored);
    }

    /// <summary>Never overloaded: it keeps nothing but counts.</summary>
    public bool Overloaded => false;

    public void HeartbeatShed(OpenedEnvelope envelope)
    {
    }

    /// <summary>Records a message accepted elsewhere (e.g. stored by the node's store), for tallies.</summary>
    public void Observe(string hostId, ulong sequence, WatcherMessage message)
    {
        var tally = _hosts.GetOrAdd(hostId, static _ => new HostTally());
        Interlocked.Increment(ref tally.Messages);
        Volatile.Write(ref tally.HighWaterMark, sequence);
        if (message.BodyCase == WatcherMessage.BodyOneofCase.ThresholdsApplied)
        {
            Volatile.Write(ref tally.ThresholdsRevision, (long)message.ThresholdsApplied.Revision);
        }
        if (message.BodyCase == WatcherMessage.BodyOneofCase.Alert)
        {
            lock (tally.RecentAlerts)
            {
                tally.RecentAlerts.Enqueue(new ReceivedAlert(sequence, message.Alert));
                if (tally.RecentAlerts.Count > RecentAlertsPerHost)
                {
                    tally.RecentAlerts.Dequeue();
                }
            }
        }
    }

    /// <summary>How many messages from the host were accepted (each sequence once).</summary>
    public long AcceptedCount(string hostId) => _hosts.TryGetValue(hostId, out var tally) ? Interlocked.Read(ref tally.Messages) : 0;

    /// <summary>The threshold rules revision the host last acknowledged having applied (0: none).</summary>
    public long AppliedThresholdsRevision(string hostId) =>
        _hosts.TryGetValue(hostId, out var tally) ? Volatile.Read(ref tally.ThresholdsRevision) : 0;

    /// <summary>The host's most recent alerts in the order they were accepted.</summary>
    public IReadOnlyList<ReceivedAlert> RecentAlerts(string hostId)
    {
        if (!_hosts.TryGetValue(hostId, out var tally))
        {
            return [];
        }
        lock (tally.RecentAlerts)
        {
            return [.. tally.RecentAlerts];
        }
    }

    private sealed class HostTally
    {
        public readonly Queue<ReceivedAlert> RecentAlerts = new();
        public long ThresholdsRevision;
        public long Messages;
        public ulong HighWaterMark;
    }
}

/// <summary>An alert as accepted from a watcher, with the envelope's sequence number.</summary>
public sealed record ReceivedAlert(ulong Sequence, Alert Alert);
