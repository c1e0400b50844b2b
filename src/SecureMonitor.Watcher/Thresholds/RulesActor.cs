using Akka.Actor;
using Microsoft.Extensions.Logging;
using SecureMonitor.ActorSystems;
using SecureMonitor.Analysis.Thresholds;
using SecureMonitor.Watcher.Sampling;

namespace SecureMonitor.Watcher.Thresholds;

/// <summary>
/// Owns one <see cref="ThresholdActor"/> per rule and fans every sample round out to them. A new
/// rule set is applied by id: changed rules are replaced in place (their evaluator decides what a
/// change means for an open alert), new ones start, removed ones resolve what they had open and stop.
/// </summary>
public sealed partial class RulesActor : ReceiveActor
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    private readonly Dictionary<string, IActorRef> _children = new(StringComparer.Ordinal);
    private readonly ThresholdRuleSet _initial;
    private readonly IActorRef _sender;
    private readonly ILogger _log;
    private ThresholdRuleSet _rules = ThresholdRuleSet.Empty;

    public RulesActor(ThresholdRuleSet initial, IActorRef sender)
    {
        _initial = initial;
        _sender = sender;
        _log = Context.Logger();
        Receive<SamplesTaken>(samples =>
        {
            foreach (var child in _children.Values)
            {
                child.Tell(samples, Self);
            }
        });
        Receive<ApplyRuleSet>(apply => Apply(apply.RuleSet));
        ReceiveAsync<GetThresholdStates>(async _ =>
        {
            var asker = Sender;
            var snapshots = await Task.WhenAll(_children.Values.Select(child => child.Ask<ThresholdSnapshot>(GetThresholdStates.Instance, AskTimeout)));
            asker.Tell(new ThresholdStates(_rules.Revision, snapshots));
        });
    }

    protected override void PreStart() => Apply(_initial);

    /// <summary>A restart builds this actor again from the rules it started with: the new instance is told
    /// the set in force since (a pushed one, say) right after it has started its children.</summary>
    protected override void PreRestart(Exception reason, object message)
    {
        Self.Tell(new ApplyRuleSet(_rules));
        base.PreRestart(reason, message);
    }

    /// <summary>
    /// A threshold actor that throws is restarted: its evaluator starts afresh under the rule in force
    /// (an alert it had open may fire again, which the monitor shows; losing the rule would be worse).
    /// One that cannot be built at all is stopped, since building it again would fail the same way;
    /// the other rules go on. Nothing is escalated: one bad rule must not take down sampling or delivery.
    /// </summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(error => error switch
    {
        ActorInitializationException => Directive.Stop,
        _ => Directive.Restart,
    });

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
                _children[rule.Id] = Context.ActorOf(Props.Create(() => new ThresholdActor(rule, _sender)), $"threshold-{rule.Id}-r{rules.Revision}");
            }
        }
        _rules = rules;
        LogApplied(_log, rules.Revision, rules.Rules.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Threshold rules revision {Revision} in force ({Count} rules)")]
    private static partial void LogApplied(ILogger log, long revision, int count);
}
