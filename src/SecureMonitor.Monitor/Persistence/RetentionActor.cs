using Microsoft.Extensions.Logging;
using SecureMonitor.Actors;
using SecureMonitor.Storage;

namespace SecureMonitor.Monitor.Persistence;

/// <summary>Prunes alerts older than the retention period in the background, hourly (the store
/// deletes in bounded batches, so pruning never holds the write lock for long).</summary>
public sealed partial class RetentionActor(IMonitorStore store, WriteFence fence, TimeSpan retention) : Actor
{
    private sealed record Prune
    {
        public static readonly Prune Instance = new();
    }

    protected override void PreStart() => Context.Timers.StartPeriodic("prune", Prune.Instance, TimeSpan.FromMinutes(1), TimeSpan.FromHours(1));

    protected override async ValueTask ReceiveAsync(object message)
    {
        if (message is not Prune)
        {
            Unhandled(message);
            return;
        }
        var pruned = await store.PruneAlertsAsync(Context.System.TimeProvider.GetUtcNow() - retention, fence);
        if (pruned > 0)
        {
            LogPruned(Context.Log, pruned, retention.TotalDays);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Count} alert(s) older than {Days} day(s)")]
    private static partial void LogPruned(ILogger log, int count, double days);
}
