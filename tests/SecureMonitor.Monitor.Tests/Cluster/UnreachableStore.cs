using System.Reflection;
using SecureMonitor.Storage;

namespace SecureMonitor.Monitor.Tests.Cluster;

/// <summary>
/// A store whose connection can be cut: while cut, every call hangs until its cancellation token
/// fires (as a call to a database behind a dead network does), so only a node's own deadlines save it.
/// </summary>
public class UnreachableStore : DispatchProxy
{
    private static readonly MethodInfo HangMethod = typeof(UnreachableStore).GetMethod(nameof(Hang), BindingFlags.NonPublic | BindingFlags.Instance)!;
    private IMonitorStore _inner = null!;
    private volatile bool _cut;
    private TaskCompletionSource _reconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void CutOff()
    {
        _reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _cut = true;
    }

    /// <summary>Brings the store back; calls hung until now fail as a reset connection would.</summary>
    public void Reconnect()
    {
        _cut = false;
        _reconnected.TrySetResult();
    }

    public static (IMonitorStore Store, UnreachableStore Switch) Wrap(IMonitorStore inner)
    {
        var store = Create<IMonitorStore, UnreachableStore>();
        var control = (UnreachableStore)(object)store;
        control._inner = inner;
        return (store, control);
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (!_cut || targetMethod!.Name == nameof(IAsyncDisposable.DisposeAsync))
        {
            return targetMethod!.Invoke(_inner, args);
        }
        var token = args?.OfType<CancellationToken>().FirstOrDefault() ?? CancellationToken.None;
        var returns = targetMethod.ReturnType;
        return returns.IsGenericType && returns.GetGenericTypeDefinition() == typeof(Task<>)
            ? HangMethod.MakeGenericMethod(returns.GetGenericArguments()[0]).Invoke(this, [token])
            : Hang<bool>(token);
    }

    private async Task<T> Hang<T>(CancellationToken token)
    {
        await _reconnected.Task.WaitAsync(token);
        throw new IOException("the connection to the store was reset");
    }
}
