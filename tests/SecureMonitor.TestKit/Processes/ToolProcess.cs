using System.Diagnostics;
using System.Text;

namespace SecureMonitor.TestKit.Processes;

/// <summary>
/// An external program run by a test (stress-ng, Alertmanager, ...), its output captured for
/// failure messages. Disposing kills its whole process tree (stress-ng forks its workers) and
/// waits for it to be gone.
/// </summary>
public sealed class ToolProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ToolProcess(Process process, string description)
    {
        _process = process;
        Description = description;
    }

    public string Description { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the program wrote so far, stdout and stderr interleaved.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static ToolProcess Start(string binary, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        var process = new Process { StartInfo = start };
        var tool = new ToolProcess(process, $"{Path.GetFileName(binary)} {string.Join(' ', start.ArgumentList)}");
        process.OutputDataReceived += (_, e) => tool.Append(e.Data);
        process.ErrorDataReceived += (_, e) => tool.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return tool;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    /// <summary>
    /// Polls <paramref name="isReady"/> every 50 ms (a server in another process gives no event to wait
    /// on) until it returns true. Fails with the program's output if the program exits first
    /// (<see cref="InvalidOperationException"/>) or <paramref name="within"/> passes (<see cref="TimeoutException"/>).
    /// The probe returns false for "not yet" (refused connection, starting up) and gets the deadline's token.
    /// </summary>
    public async Task WaitUntilReadyAsync(Func<CancellationToken, Task<bool>> isReady, TimeSpan within, string what)
    {
        using var deadline = new CancellationTokenSource(within);
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        try
        {
            while (true)
            {
                if (HasExited)
                {
                    throw new InvalidOperationException($"{what} exited with {ExitCode} before it was ready:\n{Output}");
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
            throw new TimeoutException($"{what} not ready within {within}:\n{Output}");
        }
    }

    /// <summary>Waits until the program exits by itself; false if it is still running after <paramref name="within"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan within)
    {
        using var deadline = new CancellationTokenSource(within);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>kill -9 of the program and every process it started, then waits (bounded) until it is gone.</summary>
    public async Task KillTreeAsync(TimeSpan? within = null)
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
        using var deadline = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(15));
        await _process.WaitForExitAsync(deadline.Token);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillTreeAsync();
        }
        finally
        {
            _process.Dispose();
        }
    }
}
