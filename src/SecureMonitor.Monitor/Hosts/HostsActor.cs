using Akka.Actor;
using Microsoft.Extensions.Logging;
using SecureMonitor.ActorSystems;
using SecureMonitor.Analysis.Liveness;

namespace SecureMonitor.Monitor.Hosts;

/// <summary>
/// Keeps one <see cref="HostActor"/> per watched host, created on first contact or restored from
/// the store's known hosts when it starts (so a host that stays silent after a failover is still
/// found Down), and routes each host's part of every batch of stored messages to it. It answers the
/// writer for a batch once every host's part is in the correlator.
/// </summary>
public sealed partial class HostsActor : ReceiveActor, IWithUnboundedStash
{
    /// <summary>Longest a host may take to say how it is before the answer goes without it.</summary>
    private static readonly TimeSpan HostAnswerTimeout = TimeSpan.FromSeconds(3);

    private readonly HostLivenessOptions _liveness;
    private readonly IActorRef _correlator;
    private readonly TimeSpan _evaluateEvery;
    private readonly Dictionary<string, IActorRef> _hosts = new(StringComparer.Ordinal);
    private readonly Dictionary<long, PendingBatch> _pending = [];
    private readonly ILogger _log;
    private long _nextBatch;

    private readonly Storage.IMonitorStore _store;

    private readonly IActorRef _raisedAlerts;
    private IReadOnlyDictionary<string, ulong> _spoolDroppedReported = new Dictionary<string, ulong>();

    public HostsActor(Storage.IMonitorStore store, HostLivenessOptions liveness, IActorRef correlator, TimeSpan evaluateEvery)
        : this(store, liveness, correlator, evaluateEvery, ActorRefs.Nobody)
    {
    }

    /// <param name="raisedAlerts">Where hosts send the alerts the monitor raises about them (spool drops).</param>
    public HostsActor(Storage.IMonitorStore store, HostLivenessOptions liveness, IActorRef correlator, TimeSpan evaluateEvery,
        IActorRef raisedAlerts)
    {
        _store = store;
        _raisedAlerts = raisedAlerts;
        _liveness = liveness;
        _correlator = correlator;
        _evaluateEvery = evaluateEvery;
        _log = Context.Logger();
        Receive<KnownHosts>(known =>
        {
            _spoolDroppedReported = known.SpoolDroppedReported;
            foreach (var host in known.HostIds)
            {
                HostFor(host);
            }
            Become(Routing);
            Stash.UnstashAll();
        });
        Receive<Status.Failure>(failure => throw new InvalidOperationException("could not read the known hosts from the store", failure.Cause));
        ReceiveAny(_ => Stash.Stash());
    }

    public IStash Stash { get; set; } = null!;

    /// <summary>Hosts the store knows, read when the actor starts, and the drop count of the last spool alert
    /// stored about each (so a new term does not report the same drops again).</summary>
    private sealed record KnownHosts(IReadOnlyList<string> HostIds, IReadOnlyDictionary<string, ulong> SpoolDroppedReported);

    protected override void PreStart() => ReadKnownHostsAsync().PipeTo(Self);

    private async Task<KnownHosts> ReadKnownHostsAsync()
    {
        var hosts = await _store.ListHostsAsync();
        var spoolAlerts = await _store.ListAlertsAsync(new Storage.AlertQuery
        {
            Metric = HostActor.SpoolDroppedMetric,
            Origin = Storage.AlertOrigin.Monitor,
            Limit = Storage.AlertQuery.MaxLimit,
        });
        var reported = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var alert in spoolAlerts) // newest first: the first of each host is its last
        {
            reported.TryAdd(alert.HostId, (ulong)Math.Max(0, alert.Alert.Value));
        }
        return new KnownHosts([.. hosts.Select(host => host.HostId)], reported);
    }

    private void Routing()
    {
        Receive<StoredBatch>(Route);
        Receive<HostBatchDone>(OnPartDone);
        Receive<HostSeen>(seen => HostFor(seen.HostId).Tell(seen, Self));
        // Answered from a task of its own, the hosts asked all at once: routing goes on meanwhile, and a
        // host that does not answer in time is only left out.
        Receive<GetHostStates>(_ => ReplyWithStatesAsync([.. _hosts.Values]).PipeTo(Sender));
        Receive<HostLivenessChanged>(_ => { }); // logged by the host
    }

    /// <summary>A host that fails is restarted: its liveness is rebuilt from the next messages it gets, and
    /// a restart must never cost the other hosts anything. A host failing over and over is stopped (and
    /// made anew on its next message), logged by Akka.</summary>
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(maxNrOfRetries: 10, withinTimeRange: TimeSpan.FromMinutes(1), localOnlyDecider: _ => Directive.Restart);

    /// <summary>A restart forgets which batches wait for their hosts: they are let go, so the writer is
    /// never held by a batch nobody will answer for.</summary>
    protected override void PreRestart(Exception reason, object message)
    {
        foreach (var pending in _pending.Values)
        {
            pending.ReplyTo.Tell(BatchCorrelated.Instance);
        }
        _pending.Clear();
        base.PreRestart(reason, message);
    }

    private static async Task<HostStates> ReplyWithStatesAsync(IActorRef[] hosts)
    {
        var answers = await Task.WhenAll(hosts.Select(async host =>
        {
            try
            {
                return await host.Ask<HostState>(GetHostStates.Instance, HostAnswerTimeout);
            }
            catch (AskTimeoutException)
            {
                return null;
            }
        }));
        return new HostStates([.. answers.OfType<HostState>().OrderBy(state => state.HostId, StringComparer.Ordinal)]);
    }

    /// <summary>One message per host present in the batch, its events in commit order.</summary>
    private void Route(StoredBatch batch)
    {
        var id = ++_nextBatch;
        var events = batch.Events;
        if (events.Count > 0 && events.All(stored => string.Equals(stored.HostId, events[0].HostId, StringComparison.Ordinal)))
        {
            _pending[id] = new PendingBatch(Sender, 1);
            HostFor(events[0].HostId).Tell(new HostBatch(id, events), Self);
            return;
        }
        var parts = events.GroupBy(stored => stored.HostId, StringComparer.Ordinal).ToList();
        if (parts.Count == 0)
        {
            Sender.Tell(BatchCorrelated.Instance);
            return;
        }
        _pending[id] = new PendingBatch(Sender, parts.Count);
        foreach (var part in parts)
        {
            HostFor(part.Key).Tell(new HostBatch(id, [.. part]), Self);
        }
    }

    private void OnPartDone(HostBatchDone done)
    {
        if (!_pending.TryGetValue(done.Id, out var pending))
        {
            return;
        }
        if (--pending.Remaining == 0)
        {
            _pending.Remove(done.Id);
            pending.ReplyTo.Tell(BatchCorrelated.Instance);
        }
    }

    private IActorRef HostFor(string hostId)
    {
        if (!_hosts.TryGetValue(hostId, out var host))
        {
            // Host ids are validated by the PKI (lower-case letters, digits, '.', '_', '-'): safe as actor names.
            var reported = _spoolDroppedReported.GetValueOrDefault(hostId);
            host = Context.ActorOf(Props.Create(() => new HostActor(hostId, _liveness, _correlator, _evaluateEvery, _raisedAlerts, reported)), "host-" + hostId);
            _hosts[hostId] = host;
            LogHostTracked(_log, hostId);
        }
        return host;
    }

    private sealed class PendingBatch(IActorRef replyTo, int parts)
    {
        public IActorRef ReplyTo { get; } = replyTo;

        public int Remaining { get; set; } = parts;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Tracking host {Host}")]
    private static partial void LogHostTracked(ILogger log, string host);
}
