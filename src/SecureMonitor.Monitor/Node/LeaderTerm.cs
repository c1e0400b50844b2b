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
/// The parts of a node that exist only while it holds the lease: the <see cref="MonitorSingleton"/>
/// and its actors, the group-commit writer fenced with the term's epoch, the verifier and the watcher
/// sessions. A term restores its state from the store before it is published, so the first watcher
/// it serves is judged against every host's high-water mark, the open incident and the correlation
/// window.
/// </summary>
public sealed class LeaderTerm : IAsyncDisposable
{
    /// <summary>Longest the singleton may take to stop when the term ends.</summary>
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly IActorRef _singleton;
    private readonly Action _detach;

    private LeaderTerm(long epoch, CancellationToken ending, IActorRef singleton, SingletonParts parts, PersistentMessageSink sink,
        EnvelopeVerifier verifier, WatcherSessions watchers, Action detach)
    {
        Epoch = epoch;
        Ending = ending;
        _singleton = singleton;
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

    internal static async Task<LeaderTerm> StartAsync(long epoch, CancellationToken ending, LeaderTermParts parts, CancellationToken cancellationToken)
    {
        var options = parts.Options;
        var store = parts.Store;
        var fence = new WriteFence(epoch);
        var knownHosts = await store.ListHostsAsync(cancellationToken);
        var watchers = new WatcherSessions();

        var settings = new MonitorSingletonSettings(options, store, fence, parts.Notifier, watchers, parts.Feed, [.. knownHosts.Select(host => host.HostId)]);
        var singleton = parts.System.ActorOf(Props.Create(() => new MonitorSingleton(settings)), $"singleton-{epoch}");
        PersistentMessageSink? sink = null;
        try
        {
            var singletonParts = await singleton.Ask<SingletonParts>(GetSingletonParts.Instance, options.LeaseDuration, cancellationToken);
            // The correlator answers once it has restored the open incident and the window from the
            // store: the term is published only when that is done.
            var restored = await singletonParts.Correlator.Ask<ActiveIncident>(GetActiveIncident.Instance, options.LeaseDuration, cancellationToken);

            sink = new PersistentMessageSink(store, fence, singletonParts.Hosts, parts.Time,
                new GroupCommitWriterOptions { Faulted = error => parts.OnStoreFailed(epoch, error) });
            var thresholds = singletonParts.Thresholds;
            var feed = singletonParts.Feed;
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
            watchers.Ready += hostId => thresholds.Tell(new ThresholdsActor.WatcherReady(hostId));
            Action<IncidentNotification> toFeed = feed.Tell;
            parts.Notifier.Published += toFeed;

            // A singleton that stops on its own (deposed: a stale fence; or failed beyond its limits)
            // ends the term: the node steps down and bids again.
            _ = singleton.WatchAsync(CancellationToken.None).ContinueWith(_ =>
            {
                if (!ending.IsCancellationRequested)
                {
                    parts.OnSingletonStopped(epoch);
                }
            }, TaskScheduler.Default);

            var verifier = new EnvelopeVerifier(parts.Keys, sink, parts.Rejections, options.MaxFrameBytes);
            return new LeaderTerm(epoch, ending, singleton, singletonParts, sink, verifier, watchers, () => parts.Notifier.Published -= toFeed)
            {
                RestoredHosts = knownHosts.Count,
                RestoredIncident = restored.Incident,
            };
        }
        catch
        {
            if (sink is not null)
            {
                await sink.DisposeAsync();
            }
            await StopAsync(singleton);
            throw;
        }
    }

    /// <summary>Stops the writer (pending writes complete or fail, so their watchers resend), then the singleton.</summary>
    public async ValueTask DisposeAsync()
    {
        _detach();
        await Sink.DisposeAsync();
        await StopAsync(_singleton);
    }

    private static async Task StopAsync(IActorRef singleton)
    {
        try
        {
            await singleton.GracefulStop(StopTimeout);
        }
        catch (TaskCanceledException)
        {
            // It did not stop in time (a child stuck in a store call): the system's shutdown ends it.
        }
    }
}

/// <summary>What every term of a node is built from.</summary>
internal sealed record LeaderTermParts(MonitorOptions Options, IMonitorStore Store, NotificationDispatcher Notifier, IEnvelopeKeyProvider Keys,
    RejectionCounters Rejections, Action<StoredEvent>? OnStored, TimeProvider Time, ActorSystem System, AdminFeed Feed,
    Action<long, Exception> OnStoreFailed, Action<long> OnSingletonStopped);
