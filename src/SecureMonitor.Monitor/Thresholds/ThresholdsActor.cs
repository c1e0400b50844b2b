using Akka.Actor;
using Microsoft.Extensions.Logging;
using SecureMonitor.ActorSystems;
using SecureMonitor.Monitor.Sessions;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Storage;

namespace SecureMonitor.Monitor.Thresholds;

/// <summary>
/// The leader's owner of the threshold settings: it is the one writer of them (so concurrent
/// <c>thresholds set</c> commands apply one after the other), pushes each affected host its new rule
/// set, collects the watchers' acknowledgements (answering the command once every pushed host has
/// acknowledged, or when its wait runs out), records acknowledged revisions, and pushes a host its
/// rules again whenever its watcher connects, so a watcher that was away catches up.
/// </summary>
public sealed partial class ThresholdsActor : ReceiveActor, IWithTimers
{
    /// <summary>Bound of one push (a sealed frame written to one watcher's connection).</summary>
    private static readonly TimeSpan PushTimeout = TimeSpan.FromSeconds(5);

    private readonly IMonitorStore _store;
    private readonly WriteFence _fence;
    private readonly WatcherSessions _watchers;
    private readonly IReadOnlyList<IReadOnlyDictionary<string, string>> _baseline;
    private readonly ILogger _log;
    private readonly Dictionary<long, PendingSet> _pending = [];
    private ThresholdPlan? _plan;
    private long _nextRequest;

    public ThresholdsActor(IMonitorStore store, WriteFence fence, WatcherSessions watchers, IReadOnlyList<IReadOnlyDictionary<string, string>> baseline)
    {
        _store = store;
        _fence = fence;
        _watchers = watchers;
        _baseline = baseline;
        _log = Context.Logger();
        ReceiveAsync<SetThresholds>(SetAsync);
        ReceiveAsync<WatcherReady>(ready => CatchUpAsync(ready.HostId));
        ReceiveAsync<Acknowledged>(AcknowledgedAsync);
        Receive<WaitOver>(over =>
        {
            if (_pending.Remove(over.Request, out var expired))
            {
                expired.Answer();
            }
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Changes one scope's settings and pushes the result; answered with <see cref="ThresholdsSetOutcome"/>.</summary>
    /// <param name="Hosts">The hosts whose rules the change affects (the scope's host, or every known host).</param>
    public sealed record SetThresholds(string Scope, IReadOnlyList<ThresholdSetting> Changes, IReadOnlyList<string> Hosts, string By, TimeSpan Wait);

    /// <summary>A watcher proved its key on a new connection: it can be pushed to now.</summary>
    public sealed record WatcherReady(string HostId);

    /// <summary>A watcher's acknowledgement, durable in the store's message stream.</summary>
    public sealed record Acknowledged(string HostId, long Revision, DateTimeOffset At);

    private sealed record WaitOver(long Request);

    private async Task<ThresholdPlan> PlanAsync() => _plan ??= new ThresholdPlan(_baseline, await _store.ListThresholdSettingsAsync());

    private async Task SetAsync(SetThresholds set)
    {
        var replyTo = Sender;
        var plan = await PlanAsync();
        var now = Context.System.Scheduler.Now;
        // Revisions follow the clock (and always grow): a store that was replaced cannot make the
        // monitor push a revision a watcher already considers old.
        var revision = Math.Max(now.ToUnixTimeMilliseconds(), plan.LatestRevision + 1);
        var settings = ThresholdPlan.Merge(plan.ScopeOf(set.Scope)?.Settings ?? [], set.Changes);
        var candidate = plan.With(new ThresholdSettingsRecord(set.Scope, revision, settings, set.By, now));

        var errors = new SortedSet<string>(StringComparer.Ordinal);
        var rules = new Dictionary<string, Analysis.Thresholds.ThresholdRuleSet>(StringComparer.Ordinal);
        foreach (var host in set.Hosts.Cast<string?>().Append(null))
        {
            var result = candidate.RulesFor(host);
            if (result.RuleSet is { } ruleSet && host is not null)
            {
                rules[host] = ruleSet;
            }
            errors.UnionWith(result.Errors.Select(error => host is null ? error.ToString() : $"{host}: {error}"));
        }
        if (errors.Count > 0)
        {
            replyTo.Tell(new ThresholdsSetOutcome(0, [.. errors], []));
            return;
        }

        await _store.UpsertThresholdSettingsAsync(candidate.ScopeOf(set.Scope)!, _fence);
        _plan = candidate;
        LogSet(_log, set.Scope, revision, set.By, string.Join(" ", settings));

        var pushed = await Task.WhenAll(rules.Select(async pair =>
            (Host: pair.Key, Revision: pair.Value.Revision, Sent: await PushAsync(pair.Key, pair.Value))));
        var pending = new PendingSet(replyTo, revision, Context.System.Scheduler);
        foreach (var (host, hostRevision, sent) in pushed.OrderBy(push => push.Host, StringComparer.Ordinal))
        {
            pending.Add(host, hostRevision, sent);
        }
        if (pending.IsComplete)
        {
            pending.Answer();
            return;
        }
        var request = ++_nextRequest;
        _pending[request] = pending;
        Timers.StartSingleTimer(("wait", request), new WaitOver(request), set.Wait);
    }

    private async Task CatchUpAsync(string hostId)
    {
        var plan = await PlanAsync();
        if (plan.RevisionFor(hostId) == 0)
        {
            return; // nothing was ever set for it: it keeps its configured rules
        }
        var rules = plan.RulesFor(hostId);
        if (rules.RuleSet is { } ruleSet)
        {
            await PushAsync(hostId, ruleSet);
        }
        else
        {
            LogInvalidRules(_log, hostId, string.Join("; ", rules.Errors));
        }
    }

    private async Task AcknowledgedAsync(Acknowledged acknowledged)
    {
        if (acknowledged.Revision < 1)
        {
            return;
        }
        try
        {
            await _store.RecordThresholdsAppliedAsync(new ThresholdsAppliedRecord(acknowledged.HostId, acknowledged.Revision, acknowledged.At), _fence);
        }
        catch (StaleFenceException)
        {
            LogNotRecorded(_log, acknowledged.HostId, acknowledged.Revision);
        }
        foreach (var (request, pending) in _pending.ToList())
        {
            if (pending.Acknowledge(acknowledged.HostId, acknowledged.Revision) && pending.IsComplete)
            {
                _pending.Remove(request);
                Timers.Cancel(("wait", request));
                pending.Answer();
            }
        }
    }

    private async Task<bool> PushAsync(string hostId, Analysis.Thresholds.ThresholdRuleSet rules)
    {
        using var timeout = new CancellationTokenSource(PushTimeout);
        try
        {
            return await _watchers.PushAsync(hostId, new MonitorMessage { ThresholdUpdate = ThresholdPlan.ToUpdate(rules) }, timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>One command's pushes, waiting for acknowledgements.</summary>
    private sealed class PendingSet(IActorRef replyTo, long revision, ITimeProvider time)
    {
        private readonly List<HostThresholdsPush> _hosts = [];

        public bool IsComplete => _hosts.All(host => host.Outcome != ThresholdsPushOutcome.Waiting);

        public void Add(string host, long hostRevision, bool sent) =>
            _hosts.Add(new HostThresholdsPush(host, hostRevision, sent ? ThresholdsPushOutcome.Waiting : ThresholdsPushOutcome.NotConnected, null));

        public bool Acknowledge(string host, long acknowledgedRevision)
        {
            var index = _hosts.FindIndex(push => push.Host == host && push.Outcome == ThresholdsPushOutcome.Waiting && acknowledgedRevision >= push.Revision);
            if (index < 0)
            {
                return false;
            }
            _hosts[index] = _hosts[index] with { Outcome = ThresholdsPushOutcome.Acknowledged, AcknowledgedAt = time.Now };
            return true;
        }

        public void Answer() => replyTo.Tell(new ThresholdsSetOutcome(revision, [],
            [.. _hosts.Select(push => push.Outcome == ThresholdsPushOutcome.Waiting ? push with { Outcome = ThresholdsPushOutcome.NoAnswer } : push)]));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Threshold settings for {Scope} set to revision {Revision} by {By}: {Settings}")]
    private static partial void LogSet(ILogger log, string scope, long revision, string by, string settings);

    [LoggerMessage(Level = LogLevel.Error, Message = "Threshold rules for {Host} do not validate, not pushed: {Errors}")]
    private static partial void LogInvalidRules(ILogger log, string host, string errors);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the lease: {Host}'s acknowledgement of threshold revision {Revision} was not recorded")]
    private static partial void LogNotRecorded(ILogger log, string host, long revision);
}

/// <summary>The answer to <see cref="ThresholdsActor.SetThresholds"/>: errors (nothing changed), or the
/// revision and what became of each push.</summary>
public sealed record ThresholdsSetOutcome(long Revision, IReadOnlyList<string> Errors, IReadOnlyList<HostThresholdsPush> Hosts);

public sealed record HostThresholdsPush(string Host, long Revision, ThresholdsPushOutcome Outcome, DateTimeOffset? AcknowledgedAt);

public enum ThresholdsPushOutcome
{
    Waiting,

    /// <summary>The watcher confirmed it evaluates the new revision.</summary>
    Acknowledged,

    /// <summary>Not connected now: it gets the rules when it next connects.</summary>
    NotConnected,

    /// <summary>Sent, but no acknowledgement within the wait; it gets the rules again when it reconnects.</summary>
    NoAnswer,
}
