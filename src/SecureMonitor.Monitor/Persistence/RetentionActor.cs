using Akka.Actor;
using Microsoft.Extensions.Logging;
using SecureMonitor.ActorSystems;
using SecureMonitor.Storage;

namespace SecureMonitor.Monitor.Persistence;

/// <summary>Prunes alerts older than the retention period in the background, hourly (the store
/// deletes in bounded batches, so pruning never holds the write lock for long).</summary>
public sealed partial class RetentionActor : ReceiveActor, IWithTimers
{
    private readonly ILogger _log;

    public RetentionActor(IMonitorStore store, WriteFence fence, TimeSpan retention)
    {
        _log = Context.Logger();
        ReceiveAsync<Prune>(async _ =>
        {
            var pruned = await store.PruneAlertsAsync(Context.System.Scheduler.Now - retention, fence);
            if (pruned > 0)
            {
                LogPruned(_log, pruned, retention.TotalDays);
            }
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private sealed record Prune
    {
        public static readonly Prune Instance = new();
    }

    protected override void PreStart() => Timers.StartPeriodicTimer("prune", Prune.Instance, TimeSpan.FromMinutes(1), TimeSpan.FromHours(1));

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Count} alert(s) older than {Days} day(s)")]
    private static partial void LogPruned(ILogger log, int count, double days);
}
