using Akka.Actor;
using Microsoft.Extensions.Logging;
using SecureMonitor.Monitor.Admin.Feed;
using SecureMonitor.Monitor.Incidents;
using SecureMonitor.Monitor.Persistence;
using SecureMonitor.Monitor.Security;
using SecureMonitor.Monitor.Sessions;
using SecureMonitor.Monitor.Singleton;
using SecureMonitor.Monitor.Thresholds;
using SecureMonitor.Monitor.Verification;
using SecureMonitor.Notifications;
using SecureMonitor.Protocol.Sealing;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Storage;

namespace SecureMonitor.Monitor.Node;

/// <summary>
/// The parts of a node that exist only while the <see cref="MonitorSingleton"/> runs here, under the
/// lease: the group-commit writer fenced with the term's epoch, the verifier and the watcher sessions,
/// beside the singleton's actors. A term is published only once the singleton's state is restored
/// from the store, so the first watcher it serves is judged against every host's high-water mark, the
/// open incident and the correlation window.
/// </summary>
public sealed class LeaderTerm : IAsyncDisposable
{
    /// <summary>Longest the singleton's correlator may take to restore its state from the store.</summary>
    private static readonly TimeSpan RestoreTimeout = TimeSpan.FromSeconds(30);

    private readonly Action _detach;

    private LeaderTerm(long epoch, CancellationToken ending, SingletonParts parts, PersistentMessageSink sink,
        EnvelopeVerifier verifier, WatcherSessions watchers, Action detach)
    {
        Epoch = epoch;
        Ending = ending;
        Parts = parts;
        Sink = sink;
        Verifier = verifier;
        Watchers = watchers;
        _detach = detach;
    }

    public long Epoch { get; }

    public WriteFence Fence => new(Epoch);

    /// <summary>Cancelled the moment this node must stop accepting (it may still be cleaning up).</summary>
    public CancellationToken Ending { get; }

    /// <summary>The singleton's children: hosts, correlator, thresholds, feed.</summary>
    public SingletonParts Parts { get; }

    /// <summary>The host actors' parent: ask it <see cref="Hosts.GetHostStates"/>.</summary>
    public IActorRef Hosts => Parts.Hosts;

    /// <summary>The correlator: ask it <see cref="GetActiveIncident"/>.</summary>
    public IActorRef Correlator => Parts.Correlator;

    public EnvelopeVerifier Verifier { get; }

    /// <summary>Where verified messages are stored; subscribe to <see cref="PersistentMessageSink.Stored"/>.</summary>
    public PersistentMessageSink Sink { get; }

    /// <summary>Watchers connected in this term; push messages (threshold rules) to them here.</summary>
    public WatcherSessions Watchers { get; }

    /// <summary>Hosts known to the store when the term began.</summary>
    public int RestoredHosts { get; private init; }

    /// <summary>The incident the correlator restored as open, if any.</summary>
    public Analysis.Correlation.Incident? RestoredIncident { get; private init; }

    /// <summary>Starts the term's writer and verifier for a singleton that has started on this node, once its
    /// correlator has restored the open incident and the window from the store.</summary>
    internal static async Task<LeaderTerm> StartAsync(long epoch, CancellationToken ending, SingletonParts singleton, WatcherSessions watchers,
        LeaderTermParts parts, CancellationToken cancellationToken)
    {
        var options = parts.Options;
        var restored = await singleton.Correlator.Ask<ActiveIncident>(GetActiveIncident.Instance, RestoreTimeout, cancellationToken);
        var knownHosts = await parts.Store.ListHostsAsync(cancellationToken);

        var sink = new PersistentMessageSink(parts.Store, new WriteFence(epoch), singleton.Hosts, parts.Time,
            new GroupCommitWriterOptions { Faulted = error => parts.OnStoreFailed(epoch, error) });
        var thresholds = singleton.Thresholds;
        var feed = singleton.Feed;
        sink.Stored += parts.OnStored;
        sink.Stored += stored =>
        {
            if (stored.Message.BodyCase == WatcherMessage.BodyOneofCase.ThresholdsApplied)
            {
                thresholds.Tell(new ThresholdsActor.Acknowledged(stored.HostId,
                    (long)Math.Min(stored.Message.ThresholdsApplied.Revision, long.MaxValue), stored.ReceivedAt));
            }
            else
            {
                feed.Tell(stored);
            }
        };
        Action<IncidentNotification> toFeed = feed.Tell;
        parts.Notifier.Published += toFeed;
        var verifier = new EnvelopeVerifier(parts.Keys, sink, parts.Rejections, options.MaxFrameBytes);
        return new LeaderTerm(epoch, ending, singleton, sink, verifier, watchers, () => parts.Notifier.Published -= toFeed)
        {
            RestoredHosts = knownHosts.Count,
            RestoredIncident = restored.Incident,
        };
    }

    /// <summary>Stops the writer: pending writes complete or fail, so their watchers resend. The singleton's
    /// actors are the cluster's to stop.</summary>
    public async ValueTask DisposeAsync()
    {
        _detach();
        await Sink.DisposeAsync();
    }
}

/// <summary>What every term of a node is built from.</summary>
internal sealed record LeaderTermParts(MonitorOptions Options, IMonitorStore Store, NotificationDispatcher Notifier, IEnvelopeKeyProvider Keys,
    RejectionCounters Rejections, Action<StoredEvent>? OnStored, TimeProvider Time, Action<long, Exception> OnStoreFailed);
