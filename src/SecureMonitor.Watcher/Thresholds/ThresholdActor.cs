using Akka.Actor;
using Microsoft.Extensions.Logging;
using SecureMonitor.ActorSystems;
using SecureMonitor.Analysis.Thresholds;
using SecureMonitor.Watcher.Delivery;
using SecureMonitor.Watcher.Sampling;

namespace SecureMonitor.Watcher.Thresholds;

/// <summary>
/// One threshold rule: feeds each sample of its metric to the rule's evaluator and hands every
/// resulting alert or resolution to the sender. The decisions are the evaluator's (pure, tested on
/// its own); this actor only owns it and routes.
/// </summary>
public sealed partial class ThresholdActor : ReceiveActor
{
    private readonly ThresholdEvaluator _evaluator;
    private readonly IActorRef _sender;
    private readonly ILogger _log;
    private DateTimeOffset _lastSampleAt = DateTimeOffset.MinValue;

    public ThresholdActor(ThresholdRule rule, IActorRef sender)
    {
        _evaluator = new ThresholdEvaluator(rule);
        _sender = sender;
        _log = Context.Logger();
        Receive<SamplesTaken>(samples =>
        {
            _lastSampleAt = samples.At;
            double? value = samples.Values.TryGetValue(_evaluator.Rule.Metric, out var reading) ? reading : null;
            Publish(_evaluator.Observe(value, samples.At));
        });
        Receive<ReplaceRule>(replace => Publish(_evaluator.Replace(replace.Rule, Now())));
        Receive<RetireRule>(_ =>
        {
            // A removed rule closes what it opened, so no alert stays open at the monitor forever.
            Publish(_evaluator.Retire(Now()));
            Context.Stop(Self);
        });
        Receive<GetThresholdStates>(_ => Sender.Tell(_evaluator.Snapshot()));
    }

    /// <summary>A restart (see <see cref="RulesActor"/>'s supervision) builds this actor again from the
    /// rule it was created with: the new instance is told the rule in force since (after what is queued).</summary>
    protected override void PreRestart(Exception reason, object message)
    {
        Self.Tell(new ReplaceRule(_evaluator.Rule));
        base.PreRestart(reason, message);
    }

    // Never before the last sample: the evaluator's clock must not run backwards.
    private DateTimeOffset Now()
    {
        var now = Context.System.Scheduler.Now;
        return now < _lastSampleAt ? _lastSampleAt : now;
    }

    private void Publish(IReadOnlyList<ThresholdEvent> events)
    {
        foreach (var thresholdEvent in events)
        {
            LogEvent(_log, thresholdEvent.GetType().Name, thresholdEvent.RuleId, thresholdEvent.Metric);
            if (AlertMessages.For(thresholdEvent) is { } delivery)
            {
                _sender.Tell(new Deliver(delivery.Kind, delivery.Message), Self);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Threshold {Event} rule={Rule} metric={Metric}")]
    private static partial void LogEvent(ILogger log, string @event, string rule, string metric);
}
