using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SecureMonitor.Cli.Demo;

/// <summary>
/// A node the demo runs as a child process of this same CLI (<c>dotnet securemonitor.dll monitor ...</c>),
/// its stdout and stderr captured line by line (the last few hundred kept, for a failure's story).
/// <see cref="StopAsync"/> asks it to stop as Ctrl-C would (SIGTERM) and kills it only if it does not.
/// </summary>
internal sealed partial class ChildNode : IAsyncDisposable
{
    private const int KeptLines = 300;
    private const int SigTerm = 15;

    private readonly Process _process;
    private readonly Queue<string> _lines = new();
    private readonly Lock _gate = new();
    private readonly Action<string>? _onLine;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildNode(string name, Process process, Action<string>? onLine)
    {
        Name = name;
        _process = process;
        _onLine = onLine;
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public Task Exited => _process.WaitForExitAsync();

    /// <summary>Starts <c>securemonitor ARGS</c> as a child, with the same .NET host and CLI assembly as this process.</summary>
    public static ChildNode Start(string name, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string workingDirectory,
        Action<string>? onLine = null)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(typeof(CliApplication).Assembly.Location);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // The demo decides the children's settings: none inherited from the caller's SM_* environment.
        foreach (var inherited in start.Environment.Keys.Where(key => key.StartsWith("SM_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(inherited);
        }
        foreach (var (variable, value) in environment)
        {
            start.Environment[variable] = value;
        }
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var node = new ChildNode(name, process, onLine);
        process.OutputDataReceived += (_, line) => node.Capture(line.Data);
        process.ErrorDataReceived += (_, line) => node.Capture(line.Data);
        process.Exited += (_, _) => node.Signal();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>The host running this CLI (<c>dotnet</c>), so children run on the same runtime.</summary>
    private static string DotnetHost() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    /// <summary>The last lines the child wrote, oldest first.</summary>
    public IReadOnlyList<string> Tail(int count = 15)
    {
        lock (_gate)
        {
            return [.. _lines.TakeLast(count)];
        }
    }

    /// <summary>Waits for a line matching <paramref name="match"/> (already written or to come) and returns it.</summary>
    /// <exception cref="DemoException">The child exited first, or nothing matched within <paramref name="within"/>.</exception>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, string what, TimeSpan within, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(within);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_lines.FirstOrDefault(match) is { } line)
                {
                    return line;
                }
                changed = _changed.Task;
            }
            if (_process.HasExited)
            {
                throw new DemoException($"{Name} exited (code {_process.ExitCode}) before {what}", this);
            }
            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new DemoException($"{Name} did not report {what} within {within.TotalSeconds:0} s", this);
            }
        }
    }

    /// <summary>SIGTERM (the node shuts down cleanly), then SIGKILL if it is still there after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }
        if (OperatingSystem.IsWindows() || Kill(_process.Id, SigTerm) != 0)
        {
            _process.Kill(entireProcessTree: true);
        }
        try
        {
            await _process.WaitForExitAsync().WaitAsync(grace);
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    private void Capture(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_gate)
        {
            _lines.Enqueue(line);
            if (_lines.Count > KeptLines)
            {
                _lines.Dequeue();
            }
        }
        _onLine?.Invoke(line);
        Signal();
    }

    private void Signal()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }
}

/// <summary>The demo cannot go on; the message (and the child's last lines, if any) say why.</summary>
internal sealed class DemoException(string message, ChildNode? node = null) : Exception(message)
{
    public ChildNode? Node { get; } = node;
}
