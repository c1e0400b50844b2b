using System.Reflection;
using SecureMonitor.Storage;

namespace SecureMonitor.Monitor.Tests.Cluster.Lease;

/// <summary>
/// A store that can stop answering: while hung, every call waits until its token is cancelled, as a call
/// to a database behind a dead network does. The lease has only its own deadlines to save it.
/// </summary>
public class HangingStore : DispatchProxy
{
    private static readonly MethodInfo HangMethod = typeof(HangingStore).GetMethod(nameof(Hang), BindingFlags.NonPublic | BindingFlags.Instance)!;
    private IMonitorStore _inner = null!;
    private volatile bool _hung;

    public static (IMonitorStore Store, HangingStore Control) Wrap(IMonitorStore inner)
    {
        var store = Create<IMonitorStore, HangingStore>();
        var control = (HangingStore)(object)store;
        control._inner = inner;
        return (store, control);
    }

    public void StopAnswering() => _hung = true;

    public void Answer() => _hung = false;

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (!_hung || targetMethod!.Name == nameof(IAsyncDisposable.DisposeAsync))
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
        await Task.Delay(Timeout.Infinite, token);
        throw new InvalidOperationException("unreachable");
    }
}
