using System.Reflection;
using SecureMonitor.Storage;

namespace SecureMonitor.Monitor.Tests.Actors;

/// <summary>
/// A store whose next incident write can be held at a gate (as a slow disk would hold it), so a test
/// knows the incidents actor is busy while more alerts queue up; every call goes to the real store.
/// </summary>
public class GatedIncidentStore : DispatchProxy
{
    private IMonitorStore _inner = null!;
    private TaskCompletionSource? _gate;
    private int _armed;
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _upserts;

    public static (IMonitorStore Store, GatedIncidentStore Control) Wrap(IMonitorStore inner)
    {
        var store = Create<IMonitorStore, GatedIncidentStore>();
        var control = (GatedIncidentStore)(object)store;
        control._inner = inner;
        return (store, control);
    }

    /// <summary>Incident writes so far.</summary>
    public int Upserts => Volatile.Read(ref _upserts);

    /// <summary>The next incident write waits until <see cref="Release"/>.</summary>
    public void HoldNext()
    {
        _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _armed, 1);
    }

    /// <summary>Completes once the held write has started.</summary>
    public Task Reached => _reached.Task;

    public void Release() => _gate?.TrySetResult();

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (targetMethod!.Name != nameof(IMonitorStore.UpsertIncidentAsync))
        {
            return targetMethod.Invoke(_inner, args);
        }
        Interlocked.Increment(ref _upserts);
        return Interlocked.Exchange(ref _armed, 0) == 1
            ? HeldAsync(_gate!.Task, () => (Task<long>)targetMethod.Invoke(_inner, args)!)
            : targetMethod.Invoke(_inner, args);
    }

    private async Task<long> HeldAsync(Task gate, Func<Task<long>> write)
    {
        _reached.TrySetResult();
        await gate;
        return await write();
    }
}
