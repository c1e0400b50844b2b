using SecureMonitor.Transport.Listening;

namespace SecureMonitor.Benchmarks.Transport;

/// <summary>
/// Ends every session as soon as it starts and counts it: the server side of the handshake
/// benchmark, where a session that reaches the handler is one completed, validated handshake.
/// </summary>
internal sealed class CountingSessionHandler : ISecureSessionHandler
{
    private int _remaining;
    private TaskCompletionSource _allServed = new();

    /// <summary>Completes once <paramref name="count"/> more sessions have reached the handler.</summary>
    public Task ExpectSessions(int count)
    {
        _allServed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _remaining, count);
        return _allServed.Task;
    }

    public Task RunAsync(AuthenticatedConnection connection, CancellationToken stopping)
    {
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            _allServed.TrySetResult();
        }
        return Task.CompletedTask;
    }
}
