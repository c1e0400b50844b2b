using Microsoft.Extensions.Logging;
using SecureMonitor.Actors;
using SecureMonitor.Monitor.Hosts;
using SecureMonitor.Monitor.Incidents;
using SecureMonitor.Monitor.Persistence;
using SecureMonitor.Monitor.Security;
using SecureMonitor.Monitor.Sessions;
using SecureMonitor.Monitor.Verification;
using SecureMonitor.Notifications;
using SecureMonitor.Protocol.Sealing;
using SecureMonitor.Storage;

namespace SecureMonitor.Monitor.Node;

/// <summary>
/// The parts of a node that exist only while it holds the lease: the host and incident actors, the
/// group-commit writer fenced with the term's epoch, the verifier and the watcher sessions. A term
/// restores its state from the store before it is published, so the first watcher it serves is
/// judged against every host's high-water mark, the open incident and the correlation window.
/// </summary>
public sealed class LeaderTerm : IAsyncDisposable
{
    private readonly ActorSystem _system;

    private LeaderTerm(long epoch, CancellationToken ending, ActorSystem system, IActorRef hosts,
        IActorRef incidents, PersistentMessageSink sink, EnvelopeVerifier verifier)
    {
        Epoch = epoch;
        Ending = ending;
        _system = system;
        Sink = sink;
        Hosts = hosts;
        Incidents = incidents;
        Verifier = verifier;
    }

    public long Epoch { get; }

    public WriteFence Fence => new(Epoch);

    /// <summary>Cancelled the moment this node must stop accepting (it may still be cleaning up).</summary>
    public CancellationToken Ending { get; }

    /// <summary>The host actors' parent: ask it <see cref="GetHostStates"/>.</summary>
    public IActorRef Hosts { get; }

    /// <summary>The correlator: ask it <see cref="IncidentsActor.GetActiveIncident"/>.</summary>
    public IActorRef Incidents { get; }

    public EnvelopeVerifier Verifier { get; }

    /// <summary>Where verified messages are stored; subscribe to <see cref="PersistentMessageSink.Stored"/>.</summary>
    public PersistentMessageSink Sink { get; }

    /// <summary>The term's actors live here, and die with it.</summary>
    public ActorSystem System => _system;

    /// <summary>Watchers connected in this term; push messages (threshold rules) to them here.</summary>
    public WatcherSessions Watchers { get; } = new();

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

        var system = new ActorSystem($"monitor-epoch-{epoch}", parts.Time, parts.Loggers);
        PersistentMessageSink? sink = null;
        try
        {
            var incidents = system.ActorOf(Props.Create(() => new IncidentsActor(options.Correlation, store, fence, parts.Notifier, options.NodeId)), "incidents");
            var hosts = system.ActorOf(Props.Create(() => new HostsActor([.. knownHosts.Select(host => host.HostId)], options.Liveness, incidents,
                TimeSpan.FromSeconds(1))), "hosts");
            system.ActorOf(Props.Create(() => new RetentionActor(store, fence, options.AlertRetention)), "retention");

            // The correlator restores the open incident and the window on its first message: ask now,
            // so the term is published only once that is done.
            var restored = await incidents.Ask<ActiveIncident>(IncidentsActor.GetActiveIncident.Instance, options.LeaseDuration);

            sink = new PersistentMessageSink(store, fence, hosts, parts.Time,
                new GroupCommitWriterOptions { Faulted = error => parts.OnStoreFailed(epoch, error) });
            sink.Stored += parts.OnStored;
            var verifier = new EnvelopeVerifier(parts.Keys, sink, parts.Rejections, options.MaxFrameBytes);
            return new LeaderTerm(epoch, ending, system, hosts, incidents, sink, verifier)
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
            await system.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the writer (pending writes complete or fail, so their watchers resend) and the actors.</summary>
    public async ValueTask DisposeAsync()
    {
        await Sink.DisposeAsync();
        await _system.DisposeAsync();
    }
}

/// <summary>What every term of a node is built from.</summary>
internal sealed record LeaderTermParts(MonitorOptions Options, IMonitorStore Store, NotificationDispatcher Notifier, IEnvelopeKeyProvider Keys,
    RejectionCounters Rejections, Action<StoredEvent>? OnStored, TimeProvider Time, ILoggerFactory Loggers,
    Action<long, Exception> OnStoreFailed);
