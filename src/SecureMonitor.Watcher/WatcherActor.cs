using Google.Protobuf;
using Microsoft.Extensions.Logging;
using SecureMonitor.Actors;
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
public sealed partial class WatcherActor(WatcherComponents components) : Actor
{
    private IActorRef _sender = null!;
    private IActorRef _rules = null!;
    private long _revision;

    protected override void PreStart()
    {
        var initial = components.PushedRules.Load() ?? components.ConfiguredRules;
        _revision = initial.Revision;
        _sender = Context.ActorOf(Props.Create(() => new SenderActor(components.Sender, components.Spool, components.Sequences)), "sender");
        _rules = Context.ActorOf(Props.Create(() => new RulesActor(initial, _sender)), "rules");
        Context.ActorOf(Props.Create(() => new SamplerActor(components.ReadMetrics, components.SamplingInterval, _rules, _sender)), "sampler");
    }

    protected override void Receive(object message)
    {
        switch (message)
        {
            case ThresholdUpdateReceived received:
                ApplyPushed(received.Update);
                break;
            case GetThresholdStates or ApplyRuleSet:
                _rules.Tell(message, Sender);
                break;
            case GetDeliveryStatus:
                _sender.Tell(message, Sender);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

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
            LogPushRefused(Context.Log, update.Revision, string.Join("; ", parsed.Errors));
            return;
        }
        components.PushedRules.Save(update);
        _revision = (long)update.Revision;
        _rules.Tell(new ApplyRuleSet(parsed.RuleSet!), Self);
        Acknowledge(update.Revision);
    }

    private void Acknowledge(ulong revision) =>
        _sender.Tell(new Deliver(SpoolRecordKind.Control, new WatcherMessage { ThresholdsApplied = new ThresholdsApplied { Revision = revision } }), Self);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refused threshold rules revision {Revision} pushed by the monitor: {Errors}")]
    private static partial void LogPushRefused(ILogger log, ulong revision, string errors);
}
