using SecureMonitor.Monitor.Security;

namespace SecureMonitor.TestKit.Monitors;

/// <summary>Keeps the security alerts a monitor node raises, and lets a test wait for them.</summary>
public sealed class RecordingSecurityAlertSink : ISecurityAlertSink
{
    private readonly Lock _gate = new();
    private readonly List<TamperingSuspected> _alerts = [];
    private TaskCompletionSource _changed = NewSignal();

    public IReadOnlyList<TamperingSuspected> Alerts
    {
        get { lock (_gate) { return [.. _alerts]; } }
    }

    public int Count
    {
        get { lock (_gate) { return _alerts.Count; } }
    }

    public void TamperingSuspected(TamperingSuspected alert)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _alerts.Add(alert);
            changed = _changed;
            _changed = NewSignal();
        }
        changed.TrySetResult();
    }

    /// <summary>Returns once at least <paramref name="count"/> alerts were raised; fails after
    /// <paramref name="within"/> (real time).</summary>
    public async Task WaitForAsync(int count, TimeSpan within)
    {
        using var deadline = new CancellationTokenSource(within);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_alerts.Count >= count)
                {
                    return;
                }
                changed = _changed.Task;
            }
            try
            {
                await changed.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new TestKitAssertionException($"Expected at least {count} security alert(s) within {within}, but {Count} were raised.");
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
