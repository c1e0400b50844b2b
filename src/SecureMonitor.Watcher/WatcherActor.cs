using Akka.Actor;
using Microsoft.Extensions.Logging;
using SecureMonitor.ActorSystems;
using SecureMonitor.Analysis.Thresholds;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Watcher.Delivery;
using SecureMonitor.Watcher.Sampling;
using SecureMonitor.Watcher.Spool;
using SecureMonitor.Watcher.Thresholds;

namespace SecureMonitor.Watcher;

/// <summary>
/// The watcher's root: starts the sender, the threshold rules and the sampler, and applies rule
/// sets the monitor pushes (apply, persist, then acknowledge with the revision, in that order, so an
/// acknowledged revision survives a restart).
/// </summary>
public sealed partial class WatcherActor : ReceiveActor
{
    private readonly WatcherComponents _components;
    private readonly ILogger _log;
    private IActorRef _sender = ActorRefs.Nobody;
    private IActorRef _rules = ActorRefs.Nobody;
    private long _revision;

    public WatcherActor(WatcherComponents components)
    {
        _components = components;
        _log = Context.Logger();
        Receive<ThresholdUpdateReceived>(received => ApplyPushed(received.Update));
        Receive<GetThresholdStates>(query => _rules.Forward(query));
        Receive<ApplyRuleSet>(apply => _rules.Forward(apply));
        Receive<GetDeliveryStatus>(query => _sender.Forward(query));
    }

    protected override void PreStart()
    {
        var components = _components;
        var initial = components.PushedRules.Load() ?? components.ConfiguredRules;
        _revision = initial.Revision;
        var sender = Context.ActorOf(Props.Create(() => new SenderActor(components.Sender, components.Spool, components.Sequences)), "sender");
        var rules = Context.ActorOf(Props.Create(() => new RulesActor(initial, sender)), "rules");
        Context.ActorOf(Props.Create(() => new SamplerActor(components.ReadMetrics, components.SamplingInterval, rules, sender)), "sampler");
        (_sender, _rules) = (sender, rules);
    }

    /// <summary>
    /// A child that throws is restarted on its own: the sender with its spool and sequence counter intact
    /// (they belong to the node, not the actor), so it reconnects and resends everything unacknowledged;
    /// the rules with the set in force; the sampler on its next interval. Restarts are not capped: a
    /// watcher that stopped delivering after ten failures would be worse than one that keeps trying
    /// (and Akka logs every failure). A child that cannot be built at all (an unusable identity, say)
    /// would fail the same way again, so that is escalated: the watcher stops rather than run without it.
    /// </summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(error => error switch
    {
        ActorInitializationException => Directive.Escalate,
        _ => Directive.Restart,
    });

    private void ApplyPushed(ThresholdUpdate update)
    {
        if ((long)update.Revision <= _revision)
        {
            // Already in force (e.g. the monitor resent it after a failover): acknowledge again, change nothing.
            Acknowledge(update.Revision);
            return;
        }
        var parsed = ThresholdRuleSet.Create((long)update.Revision, update.Rules.Select(PushedRules.ToRule));
        if (!parsed.Succeeded)
        {
            LogPushRefused(_log, update.Revision, string.Join("; ", parsed.Errors));
            return;
        }
        _components.PushedRules.Save(update);
        _revision = (long)update.Revision;
        _rules.Tell(new ApplyRuleSet(parsed.RuleSet!), Self);
        Acknowledge(update.Revision);
    }

    private void Acknowledge(ulong revision) =>
        _sender.Tell(new Deliver(SpoolRecordKind.Control, new WatcherMessage { ThresholdsApplied = new ThresholdsApplied { Revision = revision } }), Self);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refused threshold rules revision {Revision} pushed by the monitor: {Errors}")]
    private static partial void LogPushRefused(ILogger log, ulong revision, string errors);
}
