using System.Reflection;
using SecureMonitor.Storage;

namespace SecureMonitor.Monitor.Tests.Node;

/// <summary>
/// A store whose next batch append can be made to fail, as a full disk or a lost database connection
/// would: the armed append waits at a gate (so a test can queue more behind it) and then throws.
/// Every other call goes to the real store.
/// </summary>
public class FailingAppendStore : DispatchProxy
{
    private IMonitorStore _inner = null!;
    private TaskCompletionSource? _armed;
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static (IMonitorStore Store, FailingAppendStore Control) Wrap(IMonitorStore inner)
    {
        var store = Create<IMonitorStore, FailingAppendStore>();
        var control = (FailingAppendStore)(object)store;
        control._inner = inner;
        return (store, control);
    }

    /// <summary>The next append waits until <see cref="Fail"/>, then throws.</summary>
    public void ArmNextAppend() => Interlocked.Exchange(ref _armed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Completes once the armed append has started.</summary>
    public Task Reached => _reached.Task;

    public void Fail() => _armed?.TrySetResult();

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (targetMethod!.Name == nameof(IMonitorStore.AppendAsync) && Interlocked.Exchange(ref _armed, null) is { } armed)
        {
            _armed = armed; // Fail() still reaches it
            return FailAsync(armed.Task);
        }
        return targetMethod.Invoke(_inner, args);
    }

    private async Task<IReadOnlyList<AppendOutcome>> FailAsync(Task gate)
    {
        _reached.TrySetResult();
        await gate;
        _armed = null;
        throw new IOException("disk went away");
    }
}
