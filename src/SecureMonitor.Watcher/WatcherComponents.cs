using SecureMonitor.Analysis.Thresholds;
using SecureMonitor.Watcher.Delivery;
using SecureMonitor.Watcher.Spool;
using SecureMonitor.Watcher.Thresholds;

namespace SecureMonitor.Watcher;

/// <summary>Everything the watcher's actors are built from; made once by <see cref="WatcherNode"/>
/// (or by a test with scripted metrics).</summary>
public sealed record WatcherComponents(
    SenderOptions Sender,
    DurableSpool Spool,
    SequenceReservation Sequences,
    ThresholdRuleSet ConfiguredRules,
    PushedRules PushedRules,
    Func<IReadOnlyDictionary<string, double>> ReadMetrics,
    TimeSpan SamplingInterval);
