using System.Diagnostics;

namespace SecureMonitor.Simulation.Processes;

/// <summary>
/// A child process whose stdout and stderr lines are captured, so its parent waits for what it says
/// (a node "listening on ...", a watcher "Connected to monitor ...") rather than for time to pass,
/// and a failure can show what it said. Used by the demo for its nodes and by the test kit for the
/// CLI under test and the tools it runs (PostgreSQL, Alertmanager, stress-ng).
/// <see cref="StopAsync"/> asks the child to stop as Ctrl-C or a service manager would (a signal) and
/// kills it only if it does not; <see cref="KillAsync"/> and disposal are kill -9, of the whole process
/// tree (stress-ng forks its workers). Every wait is bounded.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
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

    /// <summary>The program and its arguments, for failure messages.</summary>
    public string CommandLine => $"{_process.StartInfo.FileName} {string.Join(' ', _process.StartInfo.ArgumentList)}";

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

    /// <summary>The lines kept, one per line: what a failure message shows.</summary>
    public string Output => string.Join('\n', Lines);

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

    /// <summary>
    /// Polls <paramref name="isReady"/> every 50 ms until it returns true: for a server whose readiness
    /// shows in its API (a connection accepted, <c>/-/ready</c>), not in a line it writes. The probe
    /// returns false for "not yet" (connection refused, starting up) and gets the deadline's token.
    /// </summary>
    /// <exception cref="ChildProcessException">The process exited first, or was not ready within <paramref name="within"/>.</exception>
    public async Task WaitUntilReadyAsync(Func<CancellationToken, Task<bool>> isReady, TimeSpan within, string what)
    {
        using var deadline = new CancellationTokenSource(within);
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        try
        {
            while (true)
            {
                if (_process.HasExited)
                {
                    throw new ChildProcessException($"{Name} exited ({_process.ExitCode}) before {what}", this);
                }
                if (await isReady(deadline.Token))
                {
                    return;
                }
                await poll.WaitForNextTickAsync(deadline.Token);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new ChildProcessException($"{Name} did not report {what} within {within.TotalSeconds:0.###} s", this);
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

    /// <summary>
    /// <paramref name="signal"/> (by default SIGTERM: a node then shuts down cleanly; PostgreSQL takes
    /// SIGINT as its fast shutdown), and kill -9 if it is still there after <paramref name="grace"/>.
    /// </summary>
    public async Task StopAsync(TimeSpan grace, int signal = Signals.Terminate)
    {
        if (_process.HasExited)
        {
            return;
        }
        if (!Signals.Send(_process.Id, signal))
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

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync(TimeSpan.FromSeconds(15));
        }
        finally
        {
            _process.Dispose();
        }
    }
}
