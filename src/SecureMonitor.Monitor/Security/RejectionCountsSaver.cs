using Microsoft.Extensions.Logging;
using SecureMonitor.Storage;

namespace SecureMonitor.Monitor.Security;

/// <summary>
/// Keeps the refusal counters across restarts: at start it adds the store's totals to the node's
/// <see cref="RejectionCounters"/>, then every <c>interval</c>, and once more when the node stops, it adds
/// what the node counted since to the store's totals (unfenced: followers refuse connections too, and
/// the increments of several nodes add up). What the store could not take is kept for the next round.
/// </summary>
public sealed partial class RejectionCountsSaver : IAsyncDisposable
{
    private readonly RejectionCounters _counters;
    private readonly IMonitorStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _saving = new(1, 1);
    private Task _loop = Task.CompletedTask;

    private RejectionCountsSaver(RejectionCounters counters, IMonitorStore store, TimeProvider time, ILogger log)
    {
        _counters = counters;
        _store = store;
        _time = time;
        _log = log;
    }

    /// <summary>Restores the stored totals into <paramref name="counters"/> and starts saving every <paramref name="interval"/>.</summary>
    public static async Task<RejectionCountsSaver> StartAsync(RejectionCounters counters, IMonitorStore store, TimeSpan interval, TimeProvider time,
        ILogger<RejectionCountsSaver> log, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        counters.Restore(await store.ListRejectionCountsAsync(cancellationToken));
        var saver = new RejectionCountsSaver(counters, store, time, log);
        saver._loop = saver.SaveEveryAsync(interval);
        return saver;
    }

    private async Task SaveEveryAsync(TimeSpan interval)
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, _time, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            await SaveAsync(CancellationToken.None);
        }
    }

    /// <summary>Adds what was counted since the last save to the store's totals.</summary>
    public async Task SaveAsync(CancellationToken cancellationToken)
    {
        await _saving.WaitAsync(cancellationToken);
        try
        {
            var unsaved = _counters.TakeUnsaved();
            if (unsaved.Count == 0)
            {
                return;
            }
            try
            {
                await _store.AddRejectionCountsAsync(unsaved, _time.GetUtcNow(), cancellationToken);
            }
            catch (Exception error) when (error is not OutOfMemoryException)
            {
                _counters.ReturnUnsaved(unsaved);
                LogSaveFailed(_log, unsaved.Sum(tally => tally.Count), error.GetType().Name, error.Message);
            }
        }
        finally
        {
            _saving.Release();
        }
    }

    /// <summary>Stops the rounds and saves what is left (call before the store closes).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _loop;
        await SaveAsync(CancellationToken.None);
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not save {Count} refusal count(s) to the store ({Error}: {Detail}); kept for the next round")]
    private static partial void LogSaveFailed(ILogger log, long count, string error, string detail);
}
