using Microsoft.Extensions.Logging;
using SecureMonitor.Actors;
using SecureMonitor.Analysis.Thresholds;
using SecureMonitor.Watcher.Delivery;
using SecureMonitor.Watcher.Sampling;

namespace SecureMonitor.Watcher.Thresholds;

/// <summary>
/// One threshold rule: feeds each sample of its metric to the rule's evaluator and hands every
/// resulting alert or resolution to the sender. The decisions are the evaluator's (pure, tested on
/// its own); this actor only owns it and routes.
/// </summary>
public sealed partial class ThresholdActor(ThresholdRule rule, IActorRef sender) : Actor
{
    private readonly ThresholdEvaluator _evaluator = new(rule);
    private DateTimeOffset _lastSampleAt = DateTimeOffset.MinValue;

    protected override void Receive(object message)
    {
        switch (message)
        {
            case SamplesTaken samples:
                _lastSampleAt = samples.At;
                double? value = samples.Values.TryGetValue(_evaluator.Rule.Metric, out var reading) ? reading : null;
                Publish(_evaluator.Observe(value, samples.At));
                break;
            case ReplaceRule replace:
                Publish(_evaluator.Replace(replace.Rule, Now()));
                break;
            case RetireRule:
                // A removed rule closes what it opened, so no alert stays open at the monitor forever.
                Publish(_evaluator.Retire(Now()));
                Context.Stop(Self);
                break;
            case GetThresholdStates:
                Sender.Tell(_evaluator.Snapshot());
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private DateTimeOffset Now()
    {
        var now = Context.System.TimeProvider.GetUtcNow();
        return now < _lastSampleAt ? _lastSampleAt : now;
    }

    private void Publish(IReadOnlyList<ThresholdEvent> events)
    {
        foreach (var thresholdEvent in events)
        {
            LogEvent(Context.Log, thresholdEvent.GetType().Name, thresholdEvent.RuleId, thresholdEvent.Metric);
            if (AlertMessages.For(thresholdEvent) is { } delivery)
            {
                sender.Tell(new Deliver(delivery.Kind, delivery.Message), Self);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Threshold {Event} rule={Rule} metric={Metric}")]
    private static partial void LogEvent(ILogger log, string @event, string rule, string metric);
}
