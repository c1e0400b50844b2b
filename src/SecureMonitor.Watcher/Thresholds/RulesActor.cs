using Microsoft.Extensions.Logging;
using SecureMonitor.Actors;
using SecureMonitor.Analysis.Thresholds;
using SecureMonitor.Watcher.Sampling;

namespace SecureMonitor.Watcher.Thresholds;

/// <summary>
/// Owns one <see cref="ThresholdActor"/> per rule and fans every sample round out to them. A new
/// rule set is applied by id: changed rules are replaced in place (their evaluator decides what a
/// change means for an open alert), new ones start, removed ones resolve what they had open and stop.
/// </summary>
public sealed partial class RulesActor(ThresholdRuleSet initial, IActorRef sender) : Actor
{
    private readonly Dictionary<string, IActorRef> _children = new(StringComparer.Ordinal);
    private ThresholdRuleSet _rules = ThresholdRuleSet.Empty;

    protected override void PreStart() => Apply(initial);

    protected override async ValueTask ReceiveAsync(object message)
    {
        switch (message)
        {
            case SamplesTaken samples:
                foreach (var child in _children.Values)
                {
                    child.Tell(samples, Self);
                }
                break;
            case ApplyRuleSet apply:
                Apply(apply.RuleSet);
                break;
            case GetThresholdStates:
                var snapshots = new List<ThresholdSnapshot>(_children.Count);
                foreach (var child in _children.Values)
                {
                    snapshots.Add(await child.Ask<ThresholdSnapshot>(GetThresholdStates.Instance, TimeSpan.FromSeconds(5)));
                }
                Sender.Tell(new ThresholdStates(_rules.Revision, snapshots));
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Apply(ThresholdRuleSet rules)
    {
        var wanted = rules.Rules.ToDictionary(rule => rule.Id, StringComparer.Ordinal);
        foreach (var (id, child) in _children.Where(entry => !wanted.ContainsKey(entry.Key)).ToList())
        {
            child.Tell(RetireRule.Instance, Self);
            _children.Remove(id);
        }
        foreach (var rule in rules.Rules)
        {
            if (_children.TryGetValue(rule.Id, out var child))
            {
                child.Tell(new ReplaceRule(rule), Self);
            }
            else
            {
                // A rule id that was just retired may still be stopping: give the new actor a fresh name.
                _children[rule.Id] = Context.ActorOf(Props.Create(() => new ThresholdActor(rule, sender)), $"threshold-{rule.Id}-r{rules.Revision}");
            }
        }
        _rules = rules;
        LogApplied(Context.Log, rules.Revision, rules.Rules.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Threshold rules revision {Revision} in force ({Count} rules)")]
    private static partial void LogApplied(ILogger log, long revision, int count);
}
