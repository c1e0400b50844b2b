using SecureMonitor.Simulation.Processes;

namespace SecureMonitor.TestKit.Processes;

/// <summary>
/// A real <c>securemonitor</c> process (the CLI assembly copied beside the test assembly by a
/// project reference), with every output line captured so a test can wait for what the process
/// says instead of waiting for time to pass. <see cref="KillHardAsync"/> is kill -9: no shutdown
/// code runs. The process handling is the demo's (<see cref="ChildProcess"/>); this adds the
/// test's view: failures as assertion errors carrying the output.
/// </summary>
public sealed class SecureMonitorProcess : IAsyncDisposable
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(30);

    private readonly ChildProcess _process;

    private SecureMonitorProcess(ChildProcess process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <c>dotnet securemonitor.dll ARGS</c> with extra environment variables; with
    /// <paramref name="standardInput"/>, that text is its whole standard input (then end of input).</summary>
    public static SecureMonitorProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null, string? standardInput = null)
    {
        return new SecureMonitorProcess(ChildProcess.StartDotnet("securemonitor", CliAssembly(), arguments,
            Options(environment, workingDirectory, standardInput)));
    }

    /// <summary>Starts <c>dotnet securemonitor.dll ARGS</c> under <c>prlimit --nofile=LIMIT:LIMIT</c>: soft and
    /// hard open-file limits both <paramref name="descriptorLimit"/>, so the process cannot raise it.</summary>
    public static SecureMonitorProcess StartWithDescriptorLimit(int descriptorLimit, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var dotnet = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
        var limit = descriptorLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new SecureMonitorProcess(ChildProcess.Start("securemonitor", ExternalTool.Prlimit.Require(),
            [$"--nofile={limit}:{limit}", dotnet, CliAssembly(), .. arguments], Options(environment, workingDirectory, null)));
    }

    private static string CliAssembly()
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "securemonitor.dll");
        return File.Exists(cli) ? cli : throw new InvalidOperationException($"{cli} not found: the test project must reference SecureMonitor.Cli.");
    }

    private static ChildProcessOptions Options(IReadOnlyDictionary<string, string>? environment, string? workingDirectory, string? standardInput) => new()
    {
        Environment = new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" },
        WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        StandardInput = standardInput,
    };

    public IReadOnlyList<string> Lines => _process.Lines;

    public int CountLines(Func<string, bool> predicate) => _process.CountLines(predicate);

    /// <summary>Waits until at least <paramref name="count"/> captured lines match, or fails with the output so far.</summary>
    public async Task WaitForLinesAsync(Func<string, bool> predicate, int count, string description, TimeSpan? within = null)
    {
        try
        {
            await _process.WaitForLinesAsync(predicate, count, description, within ?? DefaultWait);
        }
        catch (ChildProcessException failure)
        {
            throw new TestKitAssertionException($"{failure.Message}. Output:\n{string.Join('\n', Lines)}");
        }
    }

    /// <summary>Waits (bounded) for a command that ends by itself (<c>pki init</c>, ...) and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? within = null)
    {
        try
        {
            return await _process.WaitForExitAsync(within ?? DefaultWait);
        }
        catch (ChildProcessException failure)
        {
            throw new TestKitAssertionException($"{failure.Message}. Output:\n{string.Join('\n', Lines)}");
        }
    }

    /// <summary>Freezes the process (SIGSTOP): alive, but it answers no peer, renews no lease and writes nothing.</summary>
    public void Freeze() => Signal(Signals.Stop, "SIGSTOP");

    /// <summary>Lets a frozen process run again (SIGCONT).</summary>
    public void Thaw() => Signal(Signals.Continue, "SIGCONT");

    private void Signal(int signal, string name)
    {
        if (!Signals.Send(Id, signal))
        {
            throw new TestKitAssertionException($"{name} could not be sent to process {Id}");
        }
    }

    /// <summary>kill -9: the process gets no chance to flush, close or acknowledge anything.</summary>
    public Task KillHardAsync() => _process.KillAsync(TimeSpan.FromSeconds(15));

    /// <summary>Waits until a monitor is a member of its cluster: the node that forms it joins itself, the
    /// others are welcomed by a member (Akka's own log lines).</summary>
    public Task WaitForClusterMembershipAsync(TimeSpan? within = null) =>
        WaitForLinesAsync(line => line.Contains("Welcome from", StringComparison.Ordinal) || line.Contains("is JOINING itself", StringComparison.Ordinal),
            1, "the monitor to join its cluster", within);

    /// <summary>SIGTERM, as a service manager stops it; SIGKILL if it has not exited after <paramref name="grace"/>.</summary>
    public Task StopAsync(TimeSpan grace) => _process.StopAsync(grace);

    /// <summary>The exit code, once <see cref="HasExited"/>.</summary>
    public int ExitCode => _process.ExitCode;

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
