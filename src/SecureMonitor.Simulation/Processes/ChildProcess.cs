using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SecureMonitor.Simulation.Processes;

/// <summary>How a <see cref="ChildProcess"/> starts and what it keeps.</summary>
public sealed record ChildProcessOptions
{
    /// <summary>Variables set for the child, over the inherited environment.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Inherited variables with this prefix are removed first (e.g. <c>SM_</c>, so only the caller's settings apply).</summary>
    public string? DropInheritedPrefix { get; init; }

    public string? WorkingDirectory { get; init; }

    /// <summary>How many of the latest lines to keep; null keeps every line (tests count them).</summary>
    public int? KeepLines { get; init; }

    /// <summary>Called with every line, on the process's reader thread.</summary>
    public Action<string>? OnLine { get; init; }

    /// <summary>Text written to the child's stdin, which is then closed; null leaves stdin alone.</summary>
    public string? StandardInput { get; init; }
}

/// <summary>
/// A child process whose stdout and stderr lines are captured, so its parent waits for what it says
/// (a node "listening on ...", a watcher "Connected to monitor ...") rather than for time to pass.
/// Used by the demo for its nodes and by the test kit for the CLI under test.
/// <see cref="StopAsync"/> asks the child to stop as Ctrl-C would (SIGTERM) and kills it only if it
/// does not; <see cref="KillAsync"/> and disposal are kill -9, of the whole process tree.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private const int SigTerm = 15;

    private readonly Process _process;
    private readonly ChildProcessOptions _options;
    private readonly Queue<string> _lines = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(string name, Process process, ChildProcessOptions options)
    {
        Name = name;
        _process = process;
        _options = options;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Completes when the process has exited.</summary>
    public Task Exited => _process.WaitForExitAsync();

    public static ChildProcess Start(string name, string program, IEnumerable<string> arguments, ChildProcessOptions? options = null)
    {
        options ??= new ChildProcessOptions();
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = options.StandardInput is not null,
            UseShellExecute = false,
        };
        if (options.WorkingDirectory is { } directory)
        {
            start.WorkingDirectory = directory;
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        if (options.DropInheritedPrefix is { } prefix)
        {
            foreach (var inherited in start.Environment.Keys.Where(key => key.StartsWith(prefix, StringComparison.Ordinal)).ToList())
            {
                start.Environment.Remove(inherited);
            }
        }
        foreach (var (variable, value) in options.Environment)
        {
            start.Environment[variable] = value;
        }
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var child = new ChildProcess(name, process, options);
        process.OutputDataReceived += (_, line) => child.Capture(line.Data);
        process.ErrorDataReceived += (_, line) => child.Capture(line.Data);
        process.Exited += (_, _) => child.Signal();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (options.StandardInput is { } input)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }
        return child;
    }

    /// <summary>Runs <c>dotnet CLI-ASSEMBLY ARGS</c> on the .NET host running this process.</summary>
    public static ChildProcess StartDotnet(string name, string assembly, IEnumerable<string> arguments, ChildProcessOptions? options = null) =>
        Start(name, DotnetHost(), [assembly, .. arguments], options);

    private static string DotnetHost() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    /// <summary>The lines kept, oldest first.</summary>
    public IReadOnlyList<string> Lines
    {
        get { lock (_gate) { return [.. _lines]; } }
    }

    public IReadOnlyList<string> Tail(int count)
    {
        lock (_gate)
        {
            return [.. _lines.TakeLast(count)];
        }
    }

    public int CountLines(Func<string, bool> match)
    {
        lock (_gate)
        {
            return _lines.Count(match);
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> kept lines match (already written or to come).</summary>
    /// <exception cref="ChildProcessException">The process exited first, or too few lines matched within <paramref name="within"/>.</exception>
    public async Task<IReadOnlyList<string>> WaitForLinesAsync(Func<string, bool> match, int count, string what, TimeSpan within,
        CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(within);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                var matching = _lines.Where(match).ToList();
                if (matching.Count >= count)
                {
                    return matching;
                }
                changed = _changed.Task;
            }
            if (_process.HasExited)
            {
                throw new ChildProcessException($"{Name} exited ({_process.ExitCode}) before {what}", this);
            }
            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ChildProcessException($"{Name} did not report {what} within {within.TotalSeconds:0.###} s", this);
            }
        }
    }

    /// <summary>Waits (bounded) for a process that ends by itself and returns its exit code.</summary>
    /// <exception cref="ChildProcessException">It was still running after <paramref name="within"/>.</exception>
    public async Task<int> WaitForExitAsync(TimeSpan within)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(within);
        }
        catch (TimeoutException)
        {
            throw new ChildProcessException($"{Name} did not exit within {within.TotalSeconds:0.###} s", this);
        }
        return _process.ExitCode;
    }

    /// <summary>SIGTERM (a node then shuts down cleanly), and kill -9 if it is still there after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }
        if (OperatingSystem.IsWindows() || SendSignal(_process.Id, SigTerm) != 0)
        {
            await KillAsync(grace);
            return;
        }
        try
        {
            await _process.WaitForExitAsync().WaitAsync(grace);
        }
        catch (TimeoutException)
        {
            await KillAsync(grace);
        }
    }

    /// <summary>kill -9 of the process and everything it started: no shutdown code runs. Waits (bounded) until it is gone.</summary>
    public async Task KillAsync(TimeSpan within)
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // exited meanwhile
        }
        await _process.WaitForExitAsync().WaitAsync(within);
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
            if (_options.KeepLines is { } keep && _lines.Count > keep)
            {
                _lines.Dequeue();
            }
        }
        _options.OnLine?.Invoke(line);
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
    private static extern int SendSignal(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        await KillAsync(TimeSpan.FromSeconds(15));
        _process.Dispose();
    }
}

/// <summary>A child process did not do what its parent waited for; <see cref="Process"/> has its last lines.</summary>
public sealed class ChildProcessException(string message, ChildProcess process) : Exception(message)
{
    public ChildProcess Process { get; } = process;
}
