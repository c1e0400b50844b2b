using System.Diagnostics;

namespace SecureMonitor.TestKit.Processes;

/// <summary>
/// A real <c>securemonitor</c> process (the CLI assembly copied beside the test assembly by a
/// project reference), with every output line captured so a test can wait for what the process
/// says instead of waiting for time to pass. <see cref="KillHard"/> is kill -9: no shutdown code runs.
/// </summary>
public sealed class SecureMonitorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly Lock _linesLock = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SecureMonitorProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <c>dotnet securemonitor.dll ARGS</c> with extra environment variables; with
    /// <paramref name="standardInput"/>, that text is its whole standard input (then end of input).</summary>
    public static SecureMonitorProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null, string? standardInput = null)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "securemonitor.dll");
        if (!File.Exists(cli))
        {
            throw new InvalidOperationException($"{cli} not found: the test project must reference SecureMonitor.Cli.");
        }
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = standardInput is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(cli);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var wrapper = new SecureMonitorProcess(process);
        process.OutputDataReceived += (_, line) => wrapper.Capture(line.Data);
        process.ErrorDataReceived += (_, line) => wrapper.Capture(line.Data);
        process.Exited += (_, _) => wrapper.Signal();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (standardInput is not null)
        {
            process.StandardInput.Write(standardInput);
            process.StandardInput.Close();
        }
        return wrapper;
    }

    public IReadOnlyList<string> Lines
    {
        get { lock (_linesLock) { return [.. _lines]; } }
    }

    public int CountLines(Func<string, bool> predicate)
    {
        lock (_linesLock)
        {
            return _lines.Count(predicate);
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> captured lines match, or fails with the output so far.</summary>
    public async Task WaitForLinesAsync(Func<string, bool> predicate, int count, string description, TimeSpan? within = null)
    {
        using var deadline = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            Task changed;
            lock (_linesLock)
            {
                if (_lines.Count(predicate) >= count)
                {
                    return;
                }
                changed = _changed.Task;
            }
            if (_process.HasExited)
            {
                throw new TestKitAssertionException($"securemonitor exited ({_process.ExitCode}) before {description}. Output:\n{string.Join('\n', Lines)}");
            }
            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TestKitAssertionException($"timed out waiting for {description}. Output:\n{string.Join('\n', Lines)}");
            }
        }
    }

    /// <summary>Waits (bounded) for a command that ends by itself (<c>pki init</c>, ...) and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? within = null)
    {
        using var deadline = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TestKitAssertionException($"securemonitor did not exit within {within ?? TimeSpan.FromSeconds(30)}. Output:\n{string.Join('\n', Lines)}");
        }
        return _process.ExitCode;
    }

    /// <summary>kill -9: the process gets no chance to flush, close or acknowledge anything.</summary>
    public async Task KillHardAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await _process.WaitForExitAsync(deadline.Token);
    }

    private void Capture(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_linesLock)
        {
            _lines.Add(line);
        }
        Signal();
    }

    private void Signal()
    {
        TaskCompletionSource previous;
        lock (_linesLock)
        {
            previous = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        previous.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        await KillHardAsync();
        _process.Dispose();
    }
}
